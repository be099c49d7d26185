"""Cases for a2.profiling: a function whose operator counts are known by construction (n matmuls of 2-D tensors
dispatch to aten::mm, n torch.softmax calls to aten::softmax), profiled over `steps` calls after `warmup`
unprofiled ones. The counts are the worked example (a2_systems/oracles/profile.py); the table must be sorted by
total time and hold consistent self/total times."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, exact
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a2_systems.oracles.profile")  # expected values: instructor-only, never released
WATCHED = ("aten::mm", "aten::softmax")


def counts_inputs(rng: np.random.Generator) -> dict:
    # wide ranges: the counts are the answer, and a hidden draw must not share a visible draw's (grader/replay.py);
    # at least one warm-up call, so profiling the warm-up too shows in every draw
    return {"n_mm": int(rng.integers(1, 16)), "n_softmax": int(rng.integers(1, 16)), "steps": int(rng.integers(1, 6)),
            "warmup": int(rng.integers(1, 4)), "x": randn(rng, (4, 8)), "w": randn(rng, (8, 8))}


def run_counts(impl: Impl, inp: dict) -> Any:
    import torch

    x, w = tensor(inp["x"]), tensor(inp["w"])

    def fn() -> None:
        y = x
        for _ in range(inp["n_mm"]):
            y = y @ w
        for _ in range(inp["n_softmax"]):
            torch.softmax(y, dim=-1)

    stats = impl.profile_ops(fn, steps=inp["steps"], warmup=inp["warmup"])
    names = [s.name for s in stats]
    totals = [s.total_us for s in stats]
    return {"calls": {name: next((int(s.calls) for s in stats if s.name == name), 0) for name in WATCHED},
            "sorted_by_total": all(a >= b for a, b in zip(totals, totals[1:], strict=False)),
            "self_within_total": all(s.self_us <= s.total_us + 1e-6 for s in stats),
            "unique_names": len(names) == len(set(names))}


SUITE = Suite(cases=(
    Case(name="profile/op_counts", inputs=counts_inputs, compare=exact(), run=run_counts,
         expect=ORACLES.expect_counts, hidden_draws=2,
         note="aten::mm and aten::softmax counted over the measured steps only, one row per op"),
))
