"""CS336-compatible adapters: finished glue with the names and signatures of CS336's tests/adapters.py.

Each function builds our module, loads the given weights through load_state_dict and runs it, so CS336's own
tests run against this package when their adapters.py re-exports these names. Imports are lazy, so a broken
file fails only the adapters that use it.
"""

from __future__ import annotations

from torch import Tensor


def run_linear(d_in: int, d_out: int, weights: Tensor, in_features: Tensor) -> Tensor:
    """weights: (d_out, d_in); in_features: (..., d_in) -> (..., d_out)."""
    from a1_basics.nn.linear import Linear

    layer = Linear(d_in, d_out, device=weights.device, dtype=weights.dtype)
    layer.load_state_dict({"weight": weights})
    return layer(in_features)


def run_embedding(vocab_size: int, d_model: int, weights: Tensor, token_ids: Tensor) -> Tensor:
    """weights: (vocab_size, d_model); token_ids: integer (...) -> (..., d_model)."""
    from a1_basics.nn.embedding import Embedding

    table = Embedding(vocab_size, d_model, device=weights.device, dtype=weights.dtype)
    table.load_state_dict({"weight": weights})
    return table(token_ids)


def run_rmsnorm(d_model: int, eps: float, weights: Tensor, in_features: Tensor) -> Tensor:
    """weights: (d_model,); in_features: (..., d_model) -> same shape and dtype."""
    from a1_basics.nn.rmsnorm import RMSNorm

    norm = RMSNorm(d_model, eps=eps, device=weights.device, dtype=weights.dtype)
    norm.load_state_dict({"weight": weights})
    return norm(in_features)


def run_silu(in_features: Tensor) -> Tensor:
    from a1_basics.nn.activations import silu

    return silu(in_features)


def run_swiglu(d_model: int, d_ff: int, w1_weight: Tensor, w2_weight: Tensor, w3_weight: Tensor,
               in_features: Tensor) -> Tensor:
    """w1_weight, w3_weight: (d_ff, d_model); w2_weight: (d_model, d_ff); in_features: (..., d_model)."""
    from a1_basics.nn.activations import SwiGLU

    ffn = SwiGLU(d_model, d_ff, device=w1_weight.device, dtype=w1_weight.dtype)
    ffn.load_state_dict({"w1.weight": w1_weight, "w2.weight": w2_weight, "w3.weight": w3_weight})
    return ffn(in_features)


def run_softmax(in_features: Tensor, dim: int) -> Tensor:
    from a1_basics.nn.activations import softmax

    return softmax(in_features, dim)


def run_scaled_dot_product_attention(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    """Q: (..., n_q, d_k), K: (..., n_k, d_k), V: (..., n_k, d_v);
    mask: bool (..., n_q, n_k), True = attend.
    Returns (..., n_q, d_v)."""
    from a1_basics.nn.attention import scaled_dot_product_attention

    return scaled_dot_product_attention(Q, K, V, mask)


def run_rope(d_k: int, theta: float, max_seq_len: int, in_query_or_key: Tensor,
             token_positions: Tensor) -> Tensor:
    """in_query_or_key: (..., seq, d_k); token_positions: integer (..., seq)."""
    from a1_basics.nn.rope import RotaryPositionalEmbedding

    rope = RotaryPositionalEmbedding(theta, d_k, max_seq_len, device=in_query_or_key.device)
    return rope(in_query_or_key, token_positions)
