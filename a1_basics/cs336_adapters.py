"""CS336-compatible adapters: finished glue with the names and signatures of CS336's tests/adapters.py.

Each function builds our module, loads the given weights through load_state_dict and runs it, so CS336's own
tests run against this package when their adapters.py re-exports these names. Imports are lazy, so a broken
file fails only the adapters that use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO, BinaryIO

import numpy.typing as npt
from torch import Tensor
from torch.nn import Module, Parameter
from torch.optim import Optimizer


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


# Types for the training-piece adapters below (kept beside them, so this block stays an append to the file).



def run_multihead_self_attention(d_model: int, num_heads: int, q_proj_weight: Tensor, k_proj_weight: Tensor,
                                 v_proj_weight: Tensor, o_proj_weight: Tensor, in_features: Tensor) -> Tensor:
    """Causal MHSA without RoPE. *_proj_weight: (d_model, d_model); in_features: (..., seq, d_model)."""
    from a1_basics.nn.attention import MultiHeadSelfAttention

    attn = MultiHeadSelfAttention(d_model, num_heads, device=in_features.device, dtype=q_proj_weight.dtype)
    attn.load_state_dict({"q_proj.weight": q_proj_weight, "k_proj.weight": k_proj_weight,
                          "v_proj.weight": v_proj_weight, "output_proj.weight": o_proj_weight})
    return attn(in_features)


def run_multihead_self_attention_with_rope(d_model: int, num_heads: int, max_seq_len: int, theta: float,
                                           q_proj_weight: Tensor, k_proj_weight: Tensor, v_proj_weight: Tensor,
                                           o_proj_weight: Tensor, in_features: Tensor,
                                           token_positions: Tensor | None = None) -> Tensor:
    """Causal MHSA with RoPE on q and k; token_positions: integer (..., seq), default arange(seq)."""
    from a1_basics.nn.attention import MultiHeadSelfAttention

    attn = MultiHeadSelfAttention(d_model, num_heads, max_seq_len, theta, device=in_features.device,
                                  dtype=q_proj_weight.dtype)
    attn.load_state_dict({"q_proj.weight": q_proj_weight, "k_proj.weight": k_proj_weight,
                          "v_proj.weight": v_proj_weight, "output_proj.weight": o_proj_weight})
    return attn(in_features, token_positions=token_positions)


def run_transformer_block(d_model: int, num_heads: int, d_ff: int, max_seq_len: int, theta: float,
                          weights: dict[str, Tensor], in_features: Tensor) -> Tensor:
    """weights: the block's state dict (attn.{q,k,v,output}_proj.weight, ln1.weight, ffn.w1/w2/w3.weight,
    ln2.weight); in_features: (batch, seq, d_model)."""
    from a1_basics.nn.transformer import TransformerBlock

    dtype = next(iter(weights.values())).dtype
    block = TransformerBlock(d_model, num_heads, d_ff, max_seq_len, theta, device=in_features.device, dtype=dtype)
    block.load_state_dict(weights)
    return block(in_features)


def run_transformer_lm(vocab_size: int, context_length: int, d_model: int, num_layers: int, num_heads: int,
                       d_ff: int, rope_theta: float, weights: dict[str, Tensor], in_indices: Tensor) -> Tensor:
    """weights: the LM's state dict with CS336 names; in_indices: integer (batch, seq) -> logits
    (batch, seq, vocab_size)."""
    from a1_basics.nn.transformer import TransformerLM

    dtype = weights["token_embeddings.weight"].dtype
    model = TransformerLM(vocab_size, context_length, d_model, num_layers, num_heads, d_ff, rope_theta,
                          device=in_indices.device, dtype=dtype)
    model.load_state_dict(weights)
    return model(in_indices)


def run_cross_entropy(inputs: Tensor, targets: Tensor) -> Tensor:
    """inputs: (batch, vocab) logits; targets: integer (batch,) -> the mean loss (0-d)."""
    from a1_basics.losses import cross_entropy

    return cross_entropy(inputs, targets)


def run_gradient_clipping(parameters: Iterable[Parameter], max_l2_norm: float) -> None:
    """Clips the gradients of `parameters` in place to a global L2 norm of at most max_l2_norm."""
    from a1_basics.optim.clipping import clip_gradients

    clip_gradients(parameters, max_l2_norm)


def get_adamw_cls() -> type[Optimizer]:
    from a1_basics.optim.adamw import AdamW

    return AdamW


def run_get_lr_cosine_schedule(it: int, max_learning_rate: float, min_learning_rate: float, warmup_iters: int,
                               cosine_cycle_iters: int) -> float:
    from a1_basics.optim.schedule import lr_cosine_schedule

    return lr_cosine_schedule(it, max_learning_rate, min_learning_rate, warmup_iters, cosine_cycle_iters)


def run_get_batch(dataset: npt.NDArray, batch_size: int, context_length: int, device: str) -> tuple[Tensor, Tensor]:
    """dataset: 1-D integer array -> (x, y), int64 (batch_size, context_length) on `device`."""
    from a1_basics.data import get_batch

    return get_batch(dataset, batch_size, context_length, device)


def run_save_checkpoint(model: Module, optimizer: Optimizer, iteration: int,
                        out: str | os.PathLike | BinaryIO | IO[bytes]) -> None:
    from a1_basics.checkpoint import save_checkpoint

    save_checkpoint(model, optimizer, iteration, out)


def run_load_checkpoint(src: str | os.PathLike | BinaryIO | IO[bytes], model: Module, optimizer: Optimizer) -> int:
    from a1_basics.checkpoint import load_checkpoint

    return load_checkpoint(src, model, optimizer)


def get_tokenizer(vocab: dict[int, bytes], merges: list[tuple[bytes, bytes]], special_tokens: list[str] | None = None):
    """Our Tokenizer (a1_basics/tokenizer/tokenizer.py) over the given vocab, merges and special tokens."""
    from a1_basics.tokenizer.tokenizer import Tokenizer

    return Tokenizer(vocab, merges, special_tokens)


def run_train_bpe(input_path: str | os.PathLike, vocab_size: int, special_tokens: list[str],
                  **kwargs) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """(vocab, merges) of byte-level BPE trained on the file; kwargs go to train_bpe (pattern, num_workers)."""
    from a1_basics.tokenizer.train_bpe import train_bpe

    return train_bpe(input_path, vocab_size, special_tokens, **kwargs)
