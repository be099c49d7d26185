"""Triton FlashAttention backward without D = rowsum(dO * O) in either kernel: dS = P * dP."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_triton_backward"
TARGET = "FlashAttentionTriton"
MUTANT = patched("a2_systems.flash.flash_triton", TARGET, [("ds = p * (dp - delta[:, None])", "ds = p * dp", 2)])
