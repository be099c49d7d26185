"""FlashAttention (PyTorch) whose saved logsumexp forgets the running max: L = log(l) instead of m + log(l).

The output is still right (O = acc / l never needs L), so only the saved L and the gradients recomputed from it
show the bug."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_pytorch"
TARGET = "FlashAttentionPytorch"
MUTANT = patched("a2_systems.flash.flash_pytorch", TARGET,
                 [("L[:, q0:q1] = m + torch.log(ell)", "L[:, q0:q1] = torch.log(ell)", 1)])
