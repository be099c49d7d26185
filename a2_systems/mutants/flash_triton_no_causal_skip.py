"""Triton FlashAttention forward that masks but never skips: every program visits every key tile, causal or not.

Outputs are all right (the masked tiles add exp(-inf) = 0); only the work done shows it, counted as the tl.dot
calls the interpreter executes."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_triton_forward"
TARGET = "FlashAttentionTriton"
MUTANT = patched("a2_systems.flash.flash_triton", TARGET, [
    ("# key tiles that start after this tile's last query are fully masked: never visit them\n"
     "        k_end = tl.minimum((qt + 1) * Q_TILE, N_KEYS)",
     "k_end = N_KEYS", 1),
])
