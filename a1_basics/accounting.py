"""Resource accounting for a TransformerLM shape: parameters, matmul FLOPs per token, and training memory.

`config` is a ModelConfig (a1_basics/nn/transformer.py) or any object with its fields; num_kv_heads None means
num_heads. Notation: V vocab, T context_length, d d_model, L num_layers, H num_heads, d_h = d / H,
d_kv = num_kv_heads · d_h, f d_ff.

Worked example, GPT-2 XL shape (V 50257, T 1024, L 48, d 1600, H 25, f 4288, untied, float32):
  parameters = 2·V·d + L·(2·d² + 2·d·d_kv + 3·d·f + 2·d) + d
             = 160,822,400 + 48 · 30,825,600 + 1,600 = 1,640,452,800 (6.56 GB in float32)
  forward FLOPs/token = 2·(L·(2·d² + 2·d·d_kv + 3·d·f) + d·V) + 4·L·T·d
             = 2 · 1,559,886,400 + 314,572,800 = 3,434,345,600 (≈ 3.43 GFLOP; training ≈ 10.3 GFLOP)
  memory (batch 1): parameters 6.56 GB, gradients 6.56 GB, AdamW state 13.1 GB,
  activations 4·(L·(T·(6·d + 2·d_kv + 4·f) + 2·H·T²) + T·(2·d + 2·V)) = 16.4 GB;
  total 42.6 GB.
"""

from __future__ import annotations

from typing import Any


# BEGIN SOLUTION ONLY
def _shape(config: Any) -> tuple[int, int, int, int, int, int, int, int]:
    kv_heads = config.num_heads if config.num_kv_heads is None else config.num_kv_heads
    d_kv = kv_heads * (config.d_model // config.num_heads)
    return (config.vocab_size, config.context_length, config.d_model, config.num_layers, config.num_heads, d_kv,
            config.d_ff, int(bool(config.tie_embeddings)))
# END SOLUTION ONLY


def count_parameters(config: Any) -> int:
    """Number of distinct parameters of TransformerLM.from_config(config) (a tied LM head counts once):

        V·d (embedding) + L·(2·d² + 2·d·d_kv + 3·d·f + 2·d) (attention, SwiGLU, two RMSNorm gains)
        + d (final RMSNorm) + V·d (LM head, unless tied).
    """
    # BEGIN SOLUTION
    vocab, _, d, layers, _, d_kv, d_ff, tied = _shape(config)
    per_layer = 2 * d * d + 2 * d * d_kv + 3 * d * d_ff + 2 * d
    return vocab * d + layers * per_layer + d + (0 if tied else vocab * d)
    # END SOLUTION


def flops_per_token(config: Any, training: bool) -> float:
    """Matmul FLOPs per token of one sequence of context_length tokens, counting 2 FLOPs per multiply-add:

        forward = 2·(L·(2·d² + 2·d·d_kv + 3·d·f) + d·V) + 4·L·T·d

    The first term is every weight matmul (projections, SwiGLU, LM head; the embedding is a lookup). The second
    is attention: Q K^T and the weighted sum of V each cost 2·T·d per token and layer, counted over all T keys as
    a dense matmul computes them (the causal mask does not skip work). Norms, softmax and SiLU are not counted.
    training = 3 · forward (the backward pass costs two matmuls per forward matmul). Naive equivalent: run
    the model under torch.utils.flop_counter.FlopCounterMode and divide by batch · T.
    """
    # BEGIN SOLUTION
    vocab, ctx, d, layers, _, d_kv, d_ff, _ = _shape(config)
    weight_matmuls = layers * (2 * d * d + 2 * d * d_kv + 3 * d * d_ff) + d * vocab
    forward = 2.0 * weight_matmuls + 4.0 * layers * ctx * d
    return 3.0 * forward if training else forward
    # END SOLUTION


def memory_bytes(config: Any, batch_size: int, dtype_bytes: int = 4) -> dict[str, int]:
    """Bytes needed to train with AdamW at batch_size sequences of context_length tokens, everything stored
    with dtype_bytes per number. Returns ints under these keys:

        parameters      count_parameters(config) · dtype_bytes
        gradients       same as parameters
        optimizer_state 2 · parameters (AdamW's m and v)
        activations     batch_size · dtype_bytes · (L·(T·(6·d + 2·d_kv + 4·f) + 2·H·T²) + T·(2·d + 2·V))
        total           the sum of the four

    The activation estimate counts what backward needs per layer: ln1's input and output, q, k, v, the
    attention scores and probabilities (H·T² each), the attention output, ln2's input and output, and the
    SwiGLU's W1 x, SiLU(W1 x), W3 x and their product; then the final norm's input and output, the logits and
    their softmax. An estimate: an implementation may keep more or fewer tensors.
    """
    # BEGIN SOLUTION
    vocab, ctx, d, layers, heads, d_kv, d_ff, _ = _shape(config)
    params = count_parameters(config) * dtype_bytes
    per_layer = ctx * (6 * d + 2 * d_kv + 4 * d_ff) + 2 * heads * ctx * ctx
    activations = batch_size * dtype_bytes * (layers * per_layer + ctx * (2 * d + 2 * vocab))
    out = {"parameters": params, "gradients": params, "optimizer_state": 2 * params, "activations": activations}
    return {**out, "total": sum(out.values())}
    # END SOLUTION
