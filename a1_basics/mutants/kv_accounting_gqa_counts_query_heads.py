"""KV accounting that counts keys and values for every query head under GQA (as if the kv heads were repeated in
the cache).

The cache holds the num_kv_heads heads before repeat_interleave; counting num_heads gives MHA's figure for GQA.
"""

from typing import Any

from a1_basics import kv_accounting as ref

UNIT = "a1.kv_accounting"
TARGET = "kv_cache_elements_per_token"


def MUTANT(attn: Any, num_layers: int) -> int:  # noqa: N802 - the mutant's name
    if getattr(attn, "kind", None) == "gqa":
        return 2 * attn.num_heads * attn.d_head * num_layers
    return ref.kv_cache_elements_per_token(attn, num_layers)
