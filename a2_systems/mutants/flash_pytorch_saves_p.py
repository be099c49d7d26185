"""FlashAttention (PyTorch) that also keeps the full attention matrix P in the autograd context.

Values are all right; the memory is quadratic again, which is what FlashAttention exists to avoid."""

from a2_systems.hidden.flash_source_patch import patched

UNIT = "a2.flash_pytorch"
TARGET = "FlashAttentionPytorch"
MUTANT = patched("a2_systems.flash.flash_pytorch", TARGET, [
    ("ctx.save_for_backward(L, Q, K, V, out)",
     "ctx.save_for_backward(L, Q, K, V, out)\n"
     "        ctx.P = torch.exp(Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1]) - L[..., None])", 1),
])
