"""The reference profiling tools against independent facts: real tensor sizes, torch's own checkpoint and autocast
behaviour, and the benchmark CLI end to end."""

from __future__ import annotations

import json

import torch

from a2_systems.profiling.memory import PeakMemoryTracker
from a2_systems.profiling.timing import benchmark


def test_naive_attention_peak_holds_two_score_matrices() -> None:
    # softmax(QK^T)V in no_grad: the scores (n x n) and their softmax (n x n) are alive together; the output is
    # n x d. Lower bound 2 n^2 x 4 bytes; upper bound adds the exp temporaries of at most two more n^2 buffers.
    n, d = 256, 32
    q = torch.randn(1, n, d)
    with torch.no_grad(), PeakMemoryTracker() as mem:
        s = q @ q.transpose(1, 2)
        p = torch.softmax(s, dim=-1)
        p @ q
    assert 2 * n * n * 4 <= mem.peak_bytes <= 4 * n * n * 4 + n * d * 4


def test_tracker_sees_backward_gradients() -> None:
    w = torch.randn(512, 512, requires_grad=True)
    x = torch.randn(8, 512)
    with PeakMemoryTracker() as mem:
        (x @ w).sum().backward()
    # w.grad (1 MB) is created inside the block and still alive at its end
    assert mem.live_bytes >= 512 * 512 * 4
    assert mem.allocated_bytes >= mem.peak_bytes >= mem.live_bytes


def test_tracker_ignores_memory_from_before_the_block() -> None:
    big = torch.ones(1 << 20)
    with PeakMemoryTracker() as mem:
        v = big.view(1024, 1024)
        v.add_(1.0)
        del big, v
    assert mem.peak_bytes == 0 and mem.live_bytes == 0


def test_benchmark_real_function_times_positive() -> None:
    a = torch.randn(128, 128)
    t = benchmark(lambda: a @ a, warmup=1, steps=4)
    assert len(t.times_s) == 4 and all(x > 0 for x in t.times_s) and t.std_s >= 0


def test_benchmark_lm_cli_tiny(tmp_path) -> None:
    from a2_systems.profiling.benchmark_lm import main

    out = tmp_path / "bench.json"
    assert main(["--preset", "tiny", "--mode", "train_step", "--mixed-precision", "true", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["mean_s"] > 0 and result["peak_live_mb"] > 0 and result["config"]["size"] == "tiny"


def test_benchmark_lm_rejects_unknown_mode() -> None:
    import pytest

    from a2_systems.profiling.benchmark_lm import BenchConfig, run

    with pytest.raises(ValueError, match="--mode"):
        run(BenchConfig(size="tiny", mode="backward_only"))
