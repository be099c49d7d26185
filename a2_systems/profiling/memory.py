"""Peak memory of live tensors, on any device: a TorchDispatchMode that sees every allocation.

On a GPU, `torch.cuda.max_memory_allocated` answers "how much memory did this need at most?". A CPU has no such
counter, so we count ourselves: every aten op runs through `__torch_dispatch__`, so every tensor created inside the
block (op outputs, factory functions, the backward's gradients) passes by. Memory is held by *storages*, not tensors:
views share their base's storage and in-place ops create nothing, so we count each new storage once, by its size
in bytes, and notice when it is freed through a weak reference to it.

    with PeakMemoryTracker() as mem:
        loss = model(x).sum()
        loss.backward()
    mem.peak_bytes   # most bytes of storages allocated inside the block that were alive at the same time

Tensors that existed before the block (parameters, inputs) are not counted: the figure is what the block adds,
which is what a forward/backward comparison (naive vs FlashAttention) needs.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


class PeakMemoryTracker(TorchDispatchMode):
    """Context manager. Attributes after (or during) the block:

    - `peak_bytes`: the maximum, over the block, of the bytes of storages allocated inside it and alive at once.
    - `live_bytes`: bytes of those storages alive right now.
    - `allocated_bytes`: total bytes of every storage allocated inside the block (alive or freed).
    """

    def __init__(self) -> None:
        super().__init__()
        self.peak_bytes = 0
        self.live_bytes = 0
        self.allocated_bytes = 0
        # BEGIN SOLUTION
        self._live: dict[int, tuple[Any, int]] = {}  # storage data_ptr -> (weak ref to the storage, nbytes)
        self._before: set[int] = set()
        # END SOLUTION

    def __enter__(self) -> PeakMemoryTracker:
        # BEGIN SOLUTION
        self.peak_bytes = self.live_bytes = self.allocated_bytes = 0
        self._live = {}
        # END SOLUTION
        return super().__enter__()

    def __exit__(self, *exc: object) -> None:
        # BEGIN SOLUTION
        self._sweep()
        # END SOLUTION
        super().__exit__(*exc)

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        # BEGIN SOLUTION
        # subtle: the ptrs of the inputs' storages are taken before the op, so an output that aliases an input
        # (a view, an in-place op's return value) is recognised as old memory, not a new allocation.
        inputs = {_ptr(t) for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)}
        out = func(*args, **(kwargs or {}))
        self._sweep()
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor):
                continue
            storage = t.untyped_storage()
            ptr, nbytes = storage.data_ptr(), storage.nbytes()
            if ptr in inputs or ptr in self._live or nbytes == 0:
                continue
            self._live[ptr] = (_storage_ref(storage), nbytes)
            self.live_bytes += nbytes
            self.allocated_bytes += nbytes
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return out
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _sweep(self) -> None:
        """Forget the storages that were freed since the last op."""
        dead = [ptr for ptr, (ref, _) in self._live.items() if ref.expired()]
        for ptr in dead:
            self.live_bytes -= self._live.pop(ptr)[1]
    # END SOLUTION ONLY


# BEGIN SOLUTION ONLY
def _ptr(t: torch.Tensor) -> int:
    return t.untyped_storage().data_ptr()


def _storage_ref(storage: torch.UntypedStorage) -> Any:
    """A weak reference to the C++ storage itself (the Python wrapper is recreated on every access)."""
    from torch.multiprocessing.reductions import StorageWeakRef

    return StorageWeakRef(storage)
# END SOLUTION ONLY
