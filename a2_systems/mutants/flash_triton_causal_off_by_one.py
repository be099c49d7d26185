"""Triton FlashAttention forward whose causal mask lets query i see key i + 1 (k <= q + 1 instead of k <= q)."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_triton_forward"
TARGET = "FlashAttentionTriton"
MUTANT = patched("a2_systems.flash.flash_triton", TARGET, [
    ("            keep = keep & (offs_k[None, :] <= offs_q[:, None])\n        s = tl.where",
     "            keep = keep & (offs_k[None, :] <= offs_q[:, None] + 1)\n        s = tl.where", 1),
])
