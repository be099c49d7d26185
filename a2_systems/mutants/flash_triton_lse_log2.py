"""Triton FlashAttention forward that stores the logsumexp in base 2 (m + log2(l), where the kernel's scores
live) instead of converting it back to the natural log: the output is right, L and the backward are not."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_triton_forward"
TARGET = "FlashAttentionTriton"
MUTANT = patched("a2_systems.flash.flash_triton", TARGET,
                 [("(m + tl.log2(ell)) * 0.6931471805599453", "(m + tl.log2(ell))", 1)])
