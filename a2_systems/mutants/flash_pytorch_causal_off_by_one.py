"""FlashAttention (PyTorch) with the causal mask off by one: query i also sees key i + 1 (mask j > i + 1).

Only the last query of each tile can reach a key beyond its tile's skip bound, so most rows are wrong but none
is NaN: a quiet bug that only values catch."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_pytorch"
TARGET = "FlashAttentionPytorch"
MUTANT = patched("a2_systems.flash.flash_pytorch", TARGET, [
    ("S = S.masked_fill(cols > rows, -math.inf)", "S = S.masked_fill(cols > rows + 1, -math.inf)", 1),
    ("P = P.masked_fill(cols > rows, 0.0)", "P = P.masked_fill(cols > rows + 1, 0.0)", 1),
])
