"""The GPU script for FlashAttention-2 in Triton (HANDOUT §5): one command, a few minutes, JSON out.

    TRITON_INTERPRET=0 PYTHONPATH=. python3 -m a2_systems.bench.gpu_flash --out out/gpu_flash.json

1. correctness, compiled (no interpreter): O, L, dQ, dK, dV of FlashAttentionTriton against naive float64
   attention, float32 at the cases' tolerance (rtol 1e-4, atol 1e-5) and bfloat16 at bf16's (2e-2), causal and
   not, lengths that are not multiples of a tile; the Triton units' graded cases (visible and hidden, seed 0)
   with their own oracles and comparators; the instructor tests when pytest is installed;
2. causal tile skipping, by time: a causal forward at n = 8192 must take at most 0.75x a non-causal one;
3. speed: forward and forward+backward of ours against torch's scaled_dot_product_attention (flash backend when
   it has one), bfloat16, causal, batch x heads 16, head dim 64, n = 1024 .. 16384. Goal: within 1.5x of torch.

It imports only what a bare GPU image has (torch, triton, numpy, the standard library). `--cpu-smoke` runs the same code
at tiny sizes in the Triton interpreter on float32 CPU tensors, to prove the script itself works without a GPU.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

GOAL_VS_TORCH = 1.5  # ours / torch, forward+backward, at most
CAUSAL_SKIP_MAX = 0.75  # causal / non-causal forward time, at most


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Timing:
    n: int
    ours_fwd_ms: float
    torch_fwd_ms: float
    ours_fwd_bwd_ms: float
    torch_fwd_bwd_ms: float
    torch_backend: str

    @property
    def ratio(self) -> float:
        """ours / torch, forward + backward (below 1: we are faster)."""
        return self.ours_fwd_bwd_ms / self.torch_fwd_bwd_ms


def naive_float64(q: Any, k: Any, v: Any, causal: bool, d_out: Any) -> dict[str, Any]:
    """O, L and gradients of softmax(Q K^T / sqrt(d)) V computed in float64 (the oracle)."""
    import torch

    q, k, v = (t.detach().double().requires_grad_() for t in (q, k, v))
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if causal:
        s = s.masked_fill(torch.ones(s.shape[-2:], dtype=torch.bool, device=s.device).triu(1), float("-inf"))
    out = torch.softmax(s, dim=-1) @ v
    out.backward(d_out.double())
    return {"O": out.detach(), "L": torch.logsumexp(s, dim=-1).detach(), "dQ": q.grad, "dK": k.grad, "dV": v.grad}


def ours(q: Any, k: Any, v: Any, causal: bool, d_out: Any) -> dict[str, Any]:
    from a2_systems.flash.flash_triton import FlashAttentionTriton

    q, k, v = (t.detach().clone().requires_grad_() for t in (q, k, v))
    out = FlashAttentionTriton.apply(q, k, v, causal)
    lse = [t for t in out.grad_fn.saved_tensors if t.dim() == 2]
    out.backward(d_out)
    return {"O": out.detach(), "L": lse[0] if lse else None, "dQ": q.grad, "dK": k.grad, "dV": v.grad}


def check_case(batch: int, n_q: int, n_k: int, d: int, causal: bool, dtype: Any, device: str) -> Check:
    import torch

    gen = torch.Generator(device="cpu").manual_seed(batch * 1000 + n_q + n_k + d)
    q, k, v, d_out = (torch.randn(batch, n, d, generator=gen).to(device=device, dtype=dtype)
                      for n in (n_q, n_k, n_k, n_q))
    rtol, atol = (1e-4, 1e-5) if dtype == torch.float32 else (2e-2, 2e-2)
    name = f"{str(dtype).removeprefix('torch.')} b={batch} n_q={n_q} n_k={n_k} d={d} causal={causal}"
    try:
        got, want = ours(q, k, v, causal, d_out), naive_float64(q, k, v, causal, d_out)
    except Exception as e:  # noqa: BLE001 - a failing check is a result, not a crash of the script
        return Check(name, False, f"raised {type(e).__name__}: {e}")
    worst = []
    for key, w in want.items():
        g = got[key]
        if g is None:
            return Check(name, False, f"{key}: no saved logsumexp of shape (batch, n_queries)")
        g = g.double()
        # bf16 gradients are sums of many rounded terms: judge them relative to their largest entry
        scale = 1.0 if dtype == torch.float32 else max(1.0, float(w.abs().max()))
        err = (g - w).abs() - (atol * scale + rtol * w.abs())
        worst.append((float(err.max()), key, float((g - w).abs().max())))
    bad = [x for x in worst if not x[0] <= 0]
    detail = ", ".join(f"{key} max err {e:.2e}" for _, key, e in worst)
    return Check(name, not bad, detail)


def correctness(device: str, smoke: bool) -> list[Check]:
    import torch

    shapes = [(2, 48, 80, 16, False), (2, 72, 72, 16, True), (1, 33, 47, 24, False), (2, 1, 1, 16, True)]
    if not smoke:
        shapes += [(4, 1000, 1000, 64, True), (2, 513, 700, 128, False), (3, 777, 777, 64, True)]
    checks = [check_case(*s, dtype=torch.float32, device=device) for s in shapes]
    if not smoke:
        checks += [check_case(16, 1024, 1024, 64, True, torch.bfloat16, device),
                   check_case(4, 2048, 2048, 64, True, torch.bfloat16, device),
                   check_case(8, 1500, 1500, 64, False, torch.bfloat16, device)]
    return checks


def graded_cases() -> list[Check]:
    """The Triton units' graded cases (visible and hidden definitions, at seed 0), run here against their oracles:
    on a GPU their tensors go to CUDA and the kernels are compiled. Needs numpy (the cases' inputs are numpy)."""
    try:
        import numpy as np
    except ImportError:
        return [Check("graded cases", True, "skipped: numpy is not installed here")]
    from a2_systems.api import API
    from a2_systems.cases.flash_triton import SUITE
    from shared.cases import Impl, Raised, oracle

    cases = list(SUITE.cases)
    try:  # instructor-only: a student's release has no hidden package
        from a2_systems.hidden.flash_edges import SUITE as HIDDEN

        cases += HIDDEN.cases
    except ImportError:
        pass
    impl, checks = Impl(API), []
    for case in cases:
        if not case.name.startswith("flash_triton/"):  # the Triton units (rubric: their cases globs)
            continue
        inputs = case.inputs(np.random.default_rng(0))
        try:
            outputs = case.run(impl, inputs)
        except Exception as e:  # noqa: BLE001 - the raises() cases expect one
            outputs = Raised(f"{type(e).__module__}.{type(e).__qualname__}", str(e))
        oracle_fn = oracle.resolve(case.expect)  # the instructor's tree: the oracles are importable here
        expected = oracle_fn(inputs) if oracle_fn is not None else None
        verdict = case.compare(inputs, outputs, expected)
        checks.append(Check(f"case {case.name}", verdict.ok, verdict.message or "passed"))
    return checks


def instructor_tests(smoke: bool) -> Check:
    """The Triton instructor tests, compiled, when this machine has pytest."""
    try:
        import pytest  # noqa: F401
    except ImportError:
        return Check("instructor tests (pytest)", True, "skipped: pytest is not installed here")
    if smoke:
        return Check("instructor tests (pytest)", True, "skipped in --cpu-smoke (they run in the instructor suite)")
    test = "a2_systems/instructor_tests/test_flash_triton.py"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                          capture_output=True, text=True, timeout=240)
    return Check("instructor tests (pytest)", proc.returncode == 0, proc.stdout[-1500:] + proc.stderr[-500:])


def timer(device: str) -> Callable[[Callable[[], Any]], float]:
    """Milliseconds per call: triton.testing.do_bench on a GPU, one wall-clock run after a warm-up on a CPU."""
    if device == "cuda":
        from triton.testing import do_bench

        return lambda fn: float(do_bench(fn, warmup=25, rep=100))

    def wall(fn: Callable[[], Any]) -> float:
        fn()
        start = time.perf_counter()
        fn()
        return 1e3 * (time.perf_counter() - start)

    return wall


def torch_attention() -> tuple[Callable[..., Any], str]:
    """torch's SDPA restricted to its flash backend when this torch has one, else its default choice."""
    import torch.nn.functional as F

    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        def flash(q: Any, k: Any, v: Any) -> Any:
            with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
                return F.scaled_dot_product_attention(q, k, v, is_causal=True)

        return flash, "flash"
    except ImportError:
        return (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)), "default"


def time_length(n: int, heads: int, d: int, dtype: Any, device: str, bench: Callable[[Callable[[], Any]], float],
                sdpa: Callable[..., Any], backend: str) -> Timing:
    """Forward and forward+backward times of ours and torch's at one sequence length, causal."""
    import torch

    from a2_systems.flash.flash_triton import FlashAttentionTriton

    gen = torch.Generator(device="cpu").manual_seed(n)
    q, k, v, grad = (torch.randn(1, heads, n, d, generator=gen).to(device=device, dtype=dtype) for _ in range(4))
    q, k, v = (t.requires_grad_() for t in (q, k, v))

    def ours_fwd() -> Any:
        return FlashAttentionTriton.apply(q[0], k[0], v[0], True)

    def torch_fwd() -> Any:
        return sdpa(q, k, v)

    with torch.no_grad():
        fwd_ours, fwd_torch = bench(ours_fwd), bench(torch_fwd)
    both_ours = bench(lambda: ours_fwd().backward(grad[0]))
    both_torch = bench(lambda: torch_fwd().backward(grad))
    return Timing(n, fwd_ours, fwd_torch, both_ours, both_torch, backend)


def speed(device: str, smoke: bool) -> tuple[list[Timing], Check]:
    import torch

    from a2_systems.flash.flash_triton import FlashAttentionTriton

    dtype = torch.float32 if smoke else torch.bfloat16
    heads, d = (2, 16) if smoke else (16, 64)
    lengths = (64,) if smoke else (1024, 2048, 4096, 8192, 16384)
    bench = timer(device)
    sdpa, backend = torch_attention()
    if device != "cuda":
        sdpa, backend = (lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True),
                         "default (cpu)")
    rows = [time_length(n, heads, d, dtype, device, bench, sdpa, backend) for n in lengths]
    # causal skipping: a causal forward does about half the work of a non-causal one
    n = 64 if smoke else 8192
    gen = torch.Generator(device="cpu").manual_seed(0)
    q, k, v = (torch.randn(heads, n, d, generator=gen).to(device=device, dtype=dtype) for _ in range(3))
    with torch.no_grad():
        causal = bench(lambda: FlashAttentionTriton.apply(q, k, v, True))
        full = bench(lambda: FlashAttentionTriton.apply(q, k, v, False))
    # interpreter times are mostly per-call overhead: in --cpu-smoke the figure is reported, not judged
    skip = Check(f"causal skips tiles (forward time, n={n})", smoke or causal <= CAUSAL_SKIP_MAX * full,
                 f"causal {causal:.3f} ms vs non-causal {full:.3f} ms: {causal / full:.2f}x "
                 f"(at most {CAUSAL_SKIP_MAX}x{', not judged in --cpu-smoke' if smoke else ''})")
    return rows, skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m a2_systems.bench.gpu_flash", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("out/gpu_flash.json"), help="where the JSON results go")
    p.add_argument("--cpu-smoke", action="store_true",
                   help="tiny float32 sizes in the Triton interpreter on CPU: proves the script runs, times nothing")
    args = p.parse_args(argv)
    if args.cpu_smoke:
        os.environ["TRITON_INTERPRET"] = "1"  # subtle: before triton is imported (a2_systems imports it lazily)
    import torch
    import triton

    device = "cpu" if args.cpu_smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: run with --cpu-smoke on a machine without a GPU", file=sys.stderr)
        return 2
    if device == "cuda" and os.environ.get("TRITON_INTERPRET", "0") not in ("", "0"):
        print("TRITON_INTERPRET is set: run with TRITON_INTERPRET=0 to compile the kernels", file=sys.stderr)
        return 2
    start = time.perf_counter()
    checks = correctness(device, args.cpu_smoke) + graded_cases()
    for c in checks:
        print(f"{'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}", flush=True)
    timings, skip = speed(device, args.cpu_smoke)
    checks += [skip, instructor_tests(args.cpu_smoke)]
    print(f"{'ok  ' if skip.ok else 'FAIL'} {skip.name}: {skip.detail}")
    print(f"{'n':>6} {'ours fwd':>10} {'torch fwd':>10} {'ours f+b':>10} {'torch f+b':>10} {'ours/torch':>10}")
    for t in timings:
        print(f"{t.n:>6} {t.ours_fwd_ms:>10.3f} {t.torch_fwd_ms:>10.3f} {t.ours_fwd_bwd_ms:>10.3f} "
              f"{t.torch_fwd_bwd_ms:>10.3f} {t.ratio:>10.2f}")
    meets = all(t.ratio <= GOAL_VS_TORCH for t in timings)
    result = {
        "machine": {"device": torch.cuda.get_device_name() if device == "cuda" else platform.processor() or "cpu",
                    "python": platform.python_version(), "torch": torch.__version__, "triton": triton.__version__},
        "mode": "cpu-smoke" if args.cpu_smoke else "gpu",
        "checks": [asdict(c) for c in checks],
        "timings": [{**asdict(t), "ratio": t.ratio} for t in timings],
        "goal": f"forward+backward within {GOAL_VS_TORCH}x of torch's scaled_dot_product_attention",
        "meets_goal": meets,
        "all_checks_ok": all(c.ok for c in checks),
        "seconds": time.perf_counter() - start,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"checks {'all ok' if result['all_checks_ok'] else 'FAILED'}; speed goal "
          f"{'met' if meets else 'missed'}; written: {args.out}")
    return 0 if result["all_checks_ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
