"""The public module map of a1: which file holds which name. Cases reach student code only through these
names (shared/cases/impl.py), so this map is part of the assignment's API: keep it stable."""

API: dict[str, str] = {
    "Linear": "a1_basics.nn.linear:Linear",
    "Embedding": "a1_basics.nn.embedding:Embedding",
    "RMSNorm": "a1_basics.nn.rmsnorm:RMSNorm",
    "silu": "a1_basics.nn.activations:silu",
    "SwiGLU": "a1_basics.nn.activations:SwiGLU",
    "softmax": "a1_basics.nn.activations:softmax",
    "scaled_dot_product_attention": "a1_basics.nn.attention:scaled_dot_product_attention",
    "RotaryPositionalEmbedding": "a1_basics.nn.rope:RotaryPositionalEmbedding",
    # tokenizer/
    "pretokenize": "a1_basics.tokenizer.pretokenize:pretokenize",
    "train_bpe": "a1_basics.tokenizer.train_bpe:train_bpe",
    "Tokenizer": "a1_basics.tokenizer.tokenizer:Tokenizer",
    # the rest of the model
    "MultiHeadSelfAttention": "a1_basics.nn.attention:MultiHeadSelfAttention",
    "KVCache": "a1_basics.nn.kv_cache:KVCache",
    "TransformerBlock": "a1_basics.nn.transformer:TransformerBlock",
    "TransformerLM": "a1_basics.nn.transformer:TransformerLM",
    # training pieces
    "cross_entropy": "a1_basics.losses:cross_entropy",
    "AdamW": "a1_basics.optim.adamw:AdamW",
    "lr_cosine_schedule": "a1_basics.optim.schedule:lr_cosine_schedule",
    "clip_gradients": "a1_basics.optim.clipping:clip_gradients",
    "get_batch": "a1_basics.data:get_batch",
    "save_checkpoint": "a1_basics.checkpoint:save_checkpoint",
    "load_checkpoint": "a1_basics.checkpoint:load_checkpoint",
    # decoding and accounting
    "top_p_filter": "a1_basics.decoding:top_p_filter",
    "sample_next_token": "a1_basics.decoding:sample_next_token",
    "generate": "a1_basics.decoding:generate",
    "count_parameters": "a1_basics.accounting:count_parameters",
    "flops_per_token": "a1_basics.accounting:flops_per_token",
    "memory_bytes": "a1_basics.accounting:memory_bytes",
    # optional units
    "MoEFeedForward": "a1_basics.nn.moe:MoEFeedForward",
    "sliding_window_mask": "a1_basics.nn.sliding_window:sliding_window_mask",
    "SlidingWindowKVCache": "a1_basics.nn.sliding_window:SlidingWindowKVCache",
    "SlidingWindowSelfAttention": "a1_basics.nn.sliding_window:SlidingWindowSelfAttention",
    "MultiHeadLatentAttention": "a1_basics.nn.mla:MultiHeadLatentAttention",
    "kv_cache_elements_per_token": "a1_basics.kv_accounting:kv_cache_elements_per_token",
    "kv_cache_bytes": "a1_basics.kv_accounting:kv_cache_bytes",
}
