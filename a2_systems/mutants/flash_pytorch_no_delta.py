"""FlashAttention (PyTorch) backward without D = rowsum(dO * O): dS = P * dP instead of P * (dP - D).

dV is still right; dQ and dK miss the softmax Jacobian's second term."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_pytorch"
TARGET = "FlashAttentionPytorch"
MUTANT = patched("a2_systems.flash.flash_pytorch", TARGET,
                 [("dS = P * (dP - D[:, q0:q1, None])", "dS = P * dP", 1)])
