"""FLOPs per token as 2 x parameters only (the "6N" rule's forward half), leaving out attention's QK^T and
attention-weighted V, which grow with the context length.

Fine for short contexts and big models; wrong by 4·L·T·d per token, a large share for small models or long
contexts.
"""

from typing import Any

UNIT = "a1.accounting"
TARGET = "flops_per_token"


def MUTANT(config: Any, training: bool) -> float:
    d, v, f, layers = config.d_model, config.vocab_size, config.d_ff, config.num_layers
    kv = config.num_heads if config.num_kv_heads is None else config.num_kv_heads
    d_kv = kv * d // config.num_heads
    forward = 2.0 * (layers * (2 * d * d + 2 * d * d_kv + 3 * d * f) + d * v)
    return 3 * forward if training else forward
