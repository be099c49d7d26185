"""KV accounting that caches every token of the sequence for a sliding window too (the window never evicts).

The whole point of the window's cache is that it holds min(seq_len, window) tokens; this counts seq_len.
"""

from typing import Any

from a1_basics import kv_accounting as ref

UNIT = "a1.kv_accounting"
TARGET = "kv_cache_bytes"


def MUTANT(attn: Any, num_layers: int, seq_len: int, batch_size: int = 1, dtype_bytes: int = 2) -> int:  # noqa: N802
    return batch_size * seq_len * ref.kv_cache_elements_per_token(attn, num_layers) * dtype_bytes
