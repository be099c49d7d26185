"""The pre-norm Transformer block and the decoder-only language model built from it (Llama-style: RMSNorm,
RoPE, SwiGLU, no biases), with CS336's state-dict names."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

# The student release keeps these imports (their uses are stubbed out) to point at the pieces to reuse.
from a1_basics.nn.activations import SwiGLU  # noqa: F401
from a1_basics.nn.attention import MultiHeadSelfAttention  # noqa: F401
from a1_basics.nn.embedding import Embedding  # noqa: F401
from a1_basics.nn.kv_cache import KVCache
from a1_basics.nn.linear import Linear  # noqa: F401
from a1_basics.nn.rmsnorm import RMSNorm  # noqa: F401


@dataclass
class ModelConfig:
    """The shape of a TransformerLM. `TransformerLM.from_config(config)` builds one."""

    vocab_size: int  # number of token ids (rows of the embedding, columns of the logits)
    context_length: int  # longest sequence the model accepts (size of the RoPE tables)
    d_model: int  # width of the residual stream
    num_layers: int  # number of Transformer blocks
    num_heads: int  # query heads per attention layer (d_head = d_model / num_heads)
    d_ff: int  # hidden width of the SwiGLU feed-forward (about 8/3 d_model, a multiple of 64)
    rope_theta: float = 10000.0  # RoPE base
    num_kv_heads: int | None = None  # key/value heads for grouped-query attention; None = num_heads
    tie_embeddings: bool = False  # lm_head reuses the token embedding matrix
    rmsnorm_eps: float = 1e-5  # epsilon of every RMSNorm

    @property
    def kv_heads(self) -> int:
        return self.num_heads if self.num_kv_heads is None else self.num_kv_heads

    def validate(self) -> None:
        """Raises ValueError naming the field and the fix when the shape cannot be built."""
        for name in ("vocab_size", "context_length", "d_model", "num_layers", "num_heads", "d_ff"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ModelConfig.{name} must be positive, got {getattr(self, name)}")
        if self.d_model % self.num_heads != 0:
            raise ValueError(f"ModelConfig: num_heads={self.num_heads} must divide d_model={self.d_model}")
        if self.kv_heads <= 0 or self.num_heads % self.kv_heads != 0:
            raise ValueError(f"ModelConfig: num_kv_heads={self.num_kv_heads} must divide "
                             f"num_heads={self.num_heads}")
        if (self.d_model // self.num_heads) % 2 != 0:
            raise ValueError(f"ModelConfig: the head dim d_model / num_heads = {self.d_model // self.num_heads} "
                             f"must be even for RoPE (it rotates pairs of features)")
        if self.rope_theta <= 0 or self.rmsnorm_eps < 0:
            raise ValueError("ModelConfig: rope_theta must be positive and rmsnorm_eps non-negative")


class TransformerBlock(nn.Module):
    """Pre-norm block: y = x + attn(ln1(x)); z = y + ffn(ln2(y)).

    Submodules (state-dict prefixes): attn (MultiHeadSelfAttention with RoPE, causal), ln1 and ln2 (RMSNorm),
    ffn (SwiGLU: w1, w2, w3). Naive equivalent: the same two residual updates written with
    torch.nn.functional.rms_norm, scaled_dot_product_attention(is_causal=True), linear and silu.
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, max_seq_len: int, theta: float,
                 num_kv_heads: int | None = None, eps: float = 1e-5, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.ln1 = RMSNorm(d_model, eps=eps, device=device, dtype=dtype)
        self.attn = MultiHeadSelfAttention(d_model, num_heads, max_seq_len, theta, num_kv_heads, device=device,
                                           dtype=dtype)
        self.ln2 = RMSNorm(d_model, eps=eps, device=device, dtype=dtype)
        self.ffn = SwiGLU(d_model, d_ff, device=device, dtype=dtype)
        # END SOLUTION

    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: KVCache | None = None,
                layer_idx: int = 0) -> Tensor:
        """x: (..., seq, d_model) -> (..., seq, d_model). token_positions, kv_cache and layer_idx go to attn."""
        # BEGIN SOLUTION
        x = x + self.attn(self.ln1(x), token_positions, kv_cache, layer_idx)
        return x + self.ffn(self.ln2(x))
        # END SOLUTION


class TransformerLM(nn.Module):
    """Decoder-only LM: token embedding -> num_layers TransformerBlocks -> final RMSNorm -> LM head.

    State-dict names (CS336's): token_embeddings.weight (vocab, d_model), layers.{i}.attn.{q,k,v,output}_proj.weight,
    layers.{i}.ln1.weight, layers.{i}.ffn.{w1,w2,w3}.weight, layers.{i}.ln2.weight, ln_final.weight,
    lm_head.weight (vocab, d_model). With tie_embeddings, lm_head.weight IS the embedding matrix (one Parameter,
    listed under both names, counted once by parameters()). The constructor validates the shape through
    ModelConfig.validate(); `self.config` keeps it.
    """

    def __init__(self, vocab_size: int, context_length: int, d_model: int, num_layers: int, num_heads: int,
                 d_ff: int, rope_theta: float, num_kv_heads: int | None = None, tie_embeddings: bool = False,
                 rmsnorm_eps: float = 1e-5, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.config = ModelConfig(vocab_size, context_length, d_model, num_layers, num_heads, d_ff, rope_theta,
                                  num_kv_heads, tie_embeddings, rmsnorm_eps)
        self.config.validate()
        # BEGIN SOLUTION
        self.token_embeddings = Embedding(vocab_size, d_model, device=device, dtype=dtype)
        self.layers = nn.ModuleList(
            TransformerBlock(d_model, num_heads, d_ff, context_length, rope_theta, num_kv_heads, rmsnorm_eps,
                             device=device, dtype=dtype)
            for _ in range(num_layers))
        self.ln_final = RMSNorm(d_model, eps=rmsnorm_eps, device=device, dtype=dtype)
        self.lm_head = Linear(d_model, vocab_size, device=device, dtype=dtype)
        if tie_embeddings:
            # Both are (vocab, d_model): the embedding row of a token is also its output direction.
            self.lm_head.weight = self.token_embeddings.weight
        # END SOLUTION

    @classmethod
    def from_config(cls, config: ModelConfig, device: torch.device | str | None = None,
                    dtype: torch.dtype | None = None) -> TransformerLM:
        return cls(**asdict(config), device=device, dtype=dtype)

    def make_kv_cache(self) -> KVCache:
        """An empty cache for this model's layers and context length (see decoding.generate)."""
        return KVCache(self.config.num_layers, self.config.context_length)

    def forward(self, token_ids: Tensor, kv_cache: KVCache | None = None) -> Tensor:
        """token_ids: integer (..., seq) -> unnormalised logits (..., seq, vocab_size).

        With kv_cache, token_ids are the tokens that follow the ones already cached (a prompt first, then one or
        more tokens per call); their positions continue from the cache. Raises ValueError when the sequence
        (cached positions included) would exceed context_length.
        """
        # BEGIN SOLUTION
        cached = 0 if kv_cache is None else kv_cache.lengths[0]
        if cached + token_ids.shape[-1] > self.config.context_length:
            raise ValueError(f"a sequence of {cached + token_ids.shape[-1]} tokens exceeds context_length="
                             f"{self.config.context_length}")
        x = self.token_embeddings(token_ids)  # (..., seq, d_model)
        for i, layer in enumerate(self.layers):
            x = layer(x, kv_cache=kv_cache, layer_idx=i)
        return self.lm_head(self.ln_final(x))  # (..., seq, vocab)
        # END SOLUTION
