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


def get_ddp_individual_parameters(module: Any) -> Any:
    """The module wrapped for overlapped DDP, one async all-reduce per parameter (HANDOUT.md §4.3); the wrapped
    model is `.module`. Needs an initialised process group."""
    from a2_systems.distributed.ddp_overlap import DDPIndividualParameters

    return DDPIndividualParameters(module)


def ddp_individual_parameters_on_after_backward(ddp_model: Any, optimizer: Any) -> None:
    """After loss.backward(), before optimizer.step(): wait for the all-reduces and average the gradients."""
    ddp_model.finish_gradient_synchronization()


def get_ddp_bucketed(module: Any, bucket_size_mb: float) -> Any:
    """The module wrapped for bucketed, overlapped DDP (HANDOUT.md §4.4); the wrapped model is `.module`."""
    from a2_systems.distributed.ddp_bucketed import DDPBucketed

    return DDPBucketed(module, bucket_size_mb)


def ddp_bucketed_on_after_backward(ddp_model: Any, optimizer: Any) -> None:
    """After loss.backward(), before optimizer.step(): wait for every bucket and average the gradients."""
    ddp_model.finish_gradient_synchronization()


def ddp_bucketed_on_train_batch_start(ddp_model: Any, optimizer: Any) -> None:
    """Nothing to do: finish_gradient_synchronization() already leaves the wrapper ready for the next batch."""


def get_sharded_optimizer(params: Any, optimizer_cls: Any, **kwargs: Any) -> Any:
    """ZeRO-1: `optimizer_cls(**kwargs)` with its state sharded over the ranks (HANDOUT.md §4.5)."""
    from a2_systems.distributed.sharded_optimizer import ShardedOptimizer

    return ShardedOptimizer(params, optimizer_cls, **kwargs)
