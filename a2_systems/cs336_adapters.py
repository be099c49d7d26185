"""CS336-compatible adapters for a2: finished glue with the names and signatures of CS336's tests/adapters.py.

Each function returns (or wraps) this package's implementation, so CS336's own a2 tests run against it when their
adapters.py re-exports these names. Imports are lazy, so a broken file fails only the adapters that use it.
"""

from __future__ import annotations

from typing import Any


def get_flashattention_autograd_function_pytorch() -> Any:
    """The torch.autograd.Function of FlashAttention-2 in plain PyTorch: .apply(Q, K, V, is_causal=False)."""
    from a2_systems.flash.flash_pytorch import FlashAttentionPytorch

    return FlashAttentionPytorch


def get_flashattention_autograd_function_triton() -> Any:
    """The torch.autograd.Function of FlashAttention-2 with Triton kernels: .apply(Q, K, V, is_causal=False)."""
    from a2_systems.flash.flash_triton import FlashAttentionTriton

    return FlashAttentionTriton
