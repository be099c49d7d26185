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
}
