"""FlashAttention-2 in PyTorch against naive attention on CPU (HANDOUT §3.1): forward peak memory and time, and the
peak of forward + backward, at sequence lengths 256 to 4096 (batch 1, d = 64, float32, non-causal, one thread).

Peak memory is PeakMemoryTracker's (HANDOUT §2.3): the most bytes of tensors made inside the block and alive at
once; the inputs are not counted. Goals: at n = 4096 the forward peak is at most 1/4 of naive (ratio >= 4), and it
grows linearly: doubling n from 2048 to 4096 at most ~doubles it while naive's quadruples (ratio >= 1.8).
Times are reported, not judged: a tile loop in Python is slower than one big matmul on a CPU.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import torch
from torch import Tensor

from a2_systems.flash.flash_pytorch import FlashAttentionPytorch
from a2_systems.profiling.memory import PeakMemoryTracker
from shared.bench import Row

MB = 2**20
BATCH, D = 1, 64
LENGTHS = (256, 512, 1024, 2048, 4096)
QUICK_LENGTHS = (256, 512)


def naive_attention(Q: Tensor, K: Tensor, V: Tensor) -> Tensor:
    """softmax(Q K^T / sqrt(d)) V with plain torch ops: the (n, n) score matrix is materialised."""
    scores = Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1])
    return torch.softmax(scores, dim=-1) @ V


def flash_attention(Q: Tensor, K: Tensor, V: Tensor) -> Tensor:
    return FlashAttentionPytorch.apply(Q, K, V, False)


def measure(attn: Callable[[Tensor, Tensor, Tensor], Tensor], n: int, backward: bool) -> tuple[float, float]:
    """(peak bytes, seconds) of one forward (and backward, if asked) at sequence length n."""
    gen = torch.Generator().manual_seed(n)
    q, k, v = (torch.randn(BATCH, n, D, generator=gen, requires_grad=backward) for _ in range(3))
    grad = torch.randn(BATCH, n, D, generator=gen)
    with PeakMemoryTracker() as mem:
        out = attn(q, k, v)
        if backward:
            out.backward(grad)
        del out
    start = time.perf_counter()  # timed apart from the tracker, whose per-op bookkeeping costs time
    out = attn(q, k, v)
    if backward:
        out.backward(grad)
    return float(mem.peak_bytes), time.perf_counter() - start


def run(quick: bool) -> list[Row]:
    # subtle: on a shared 2-core machine, 2 intra-op threads make each small tile matmul stall for milliseconds
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _rows(quick)
    finally:
        torch.set_num_threads(threads)


def _rows(quick: bool) -> list[Row]:
    rows: list[Row] = []
    peaks: dict[tuple[str, int], float] = {}
    lengths = QUICK_LENGTHS if quick else LENGTHS
    for n in lengths:
        with torch.no_grad():
            naive_mem, naive_s = measure(naive_attention, n, backward=False)
            flash_mem, flash_s = measure(flash_attention, n, backward=False)
        peaks["naive", n], peaks["flash", n] = naive_mem, flash_mem
        goal = 4.0 if n == max(lengths) else None
        rows.append(Row(f"FA2 PyTorch forward peak memory, n={n}", flash_mem / MB, "MB", "naive attention",
                        naive_mem / MB, higher_is_better=False, goal=goal,
                        note=f"batch {BATCH}, d {D}, float32; goal at the longest length: <= 1/4 of naive"))
        rows.append(Row(f"FA2 PyTorch forward time, n={n}", flash_s, "s", "naive attention", naive_s,
                        higher_is_better=False, note="reported, not judged: Python tile loop on a CPU"))
        naive_bwd, _ = measure(naive_attention, n, backward=True)
        flash_bwd, _ = measure(flash_attention, n, backward=True)
        rows.append(Row(f"FA2 PyTorch forward+backward peak memory, n={n}", flash_bwd / MB, "MB",
                        "naive attention", naive_bwd / MB, higher_is_better=False,
                        note="naive keeps the (n, n) softmax for its backward; FA2 recomputes tiles from L"))
    small, large = lengths[-2], lengths[-1]
    growth = {name: peaks[name, large] / peaks[name, small] for name in ("naive", "flash")}
    rows.append(Row(f"FA2 PyTorch forward peak growth, n {small} -> {large}", growth["flash"], "x",
                    "naive attention", growth["naive"], higher_is_better=False, goal=1.8,
                    note="linear memory doubles when n doubles; quadratic quadruples"))
    return rows
