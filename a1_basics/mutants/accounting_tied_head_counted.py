"""count_parameters that counts the LM head even when it is tied to the embedding.

A tied head is one matrix under two names; state_dict() lists it twice but parameters() (and the optimizer)
see it once, as should the count.
"""

from typing import Any

UNIT = "a1.accounting"
TARGET = "count_parameters"


def MUTANT(config: Any) -> int:
    d, v, f, layers = config.d_model, config.vocab_size, config.d_ff, config.num_layers
    kv = config.num_heads if config.num_kv_heads is None else config.num_kv_heads
    d_kv = kv * d // config.num_heads
    return 2 * v * d + layers * (2 * d * d + 2 * d * d_kv + 3 * d * f + 2 * d) + d
