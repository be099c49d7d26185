"""KV-cache accounting: how many values (and bytes) the cache of one sequence holds per token, for multi-head,
grouped-query, multi-query, sliding-window and multi-head latent attention (DeepSeek-V2, Table 1)."""

from __future__ import annotations

from typing import Any

KINDS = ("mha", "gqa", "mqa", "sliding_window", "mla")


def kv_cache_elements_per_token(attn: Any, num_layers: int) -> int:
    """Values the cache stores for one cached token, summed over the layers (DeepSeek-V2's Table 1 unit).

    `attn` has a `kind` in KINDS and the fields that kind reads: `num_heads`, `d_head` (all kinds but "mla");
    `num_kv_heads` ("gqa", "sliding_window"); `d_latent`, `d_rope` ("mla"). A sliding window caches keys and values
    like GQA (num_kv_heads = num_heads is plain MHA), but only for its last `window` tokens (kv_cache_bytes).
    Raises ValueError for an unknown kind or a missing field.
    """
    # BEGIN SOLUTION
    kind = getattr(attn, "kind", None)
    if kind not in KINDS:
        raise ValueError(f"unknown attention kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == "mla":  # one latent c_KV and one RoPE key shared by all heads
        return (_field(attn, "d_latent") + _field(attn, "d_rope")) * num_layers
    kv_heads = {"mha": lambda: _field(attn, "num_heads"), "mqa": lambda: 1,
                "gqa": lambda: _field(attn, "num_kv_heads"),
                "sliding_window": lambda: _field(attn, "num_kv_heads")}[kind]()
    return 2 * kv_heads * _field(attn, "d_head") * num_layers  # a key and a value per kv head
    # END SOLUTION


def kv_cache_bytes(attn: Any, num_layers: int, seq_len: int, batch_size: int = 1, dtype_bytes: int = 2) -> int:
    """Bytes of the KV cache of `batch_size` sequences of `seq_len` tokens: the tokens cached (seq_len, or at most
    `attn.window` for a sliding window) times kv_cache_elements_per_token times dtype_bytes."""
    # BEGIN SOLUTION
    cached = min(seq_len, _field(attn, "window")) if getattr(attn, "kind", None) == "sliding_window" else seq_len
    return batch_size * cached * kv_cache_elements_per_token(attn, num_layers) * dtype_bytes
    # END SOLUTION


# BEGIN SOLUTION ONLY
def _field(attn: Any, name: str) -> int:
    value = getattr(attn, name, None)
    if value is None:
        raise ValueError(f"attention kind {attn.kind!r} needs the field {name!r}")
    return int(value)
# END SOLUTION ONLY
