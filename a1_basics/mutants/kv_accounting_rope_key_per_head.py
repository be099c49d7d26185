"""KV accounting that counts MLA's RoPE key once per head: (d_latent + num_heads * d_rope) values per token and layer.

DeepSeek-V2 shares one decoupled key k_R across all heads (eq. 15), which is why its cache is d_c + d_h^R per
token; a per-head key, as the queries have, would cost n_h d_h^R.
"""

from typing import Any

from a1_basics import kv_accounting as ref

UNIT = "a1.kv_accounting"
TARGET = "kv_cache_elements_per_token"


def MUTANT(attn: Any, num_layers: int) -> int:  # noqa: N802 - the mutant's name
    if getattr(attn, "kind", None) == "mla":
        return (attn.d_latent + attn.num_heads * attn.d_rope) * num_layers
    return ref.kv_cache_elements_per_token(attn, num_layers)
