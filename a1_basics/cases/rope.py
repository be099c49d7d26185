"""Cases for a1.rope, against an oracle that rotates adjacent feature pairs as complex numbers in float64 numpy
(a1_basics/oracles/rope.py); it shares no code with the reference's cos/sin tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases import Case, Fixture, Impl, Oracles, Suite, close, exact, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.rope")  # expected values: instructor-only, never released

UNIT = "a1.rope"
ROPE_64 = {"theta": 10000.0, "d_k": 64, "max_seq_len": 256}

# subtle: angles m * theta^(-2k/d_k) reach max_seq_len radians; a correct implementation that builds its
# tables in float32 is off by up to ~2e-5 rad there, so outputs of size ~3 may differ by ~1e-4 from float64.
ROPE_CLOSE = close(rtol=1e-4, atol=1e-4)


def rope_64_inputs(x_shape: tuple[int, ...], pos: str) -> Callable[[np.random.Generator], dict]:
    """Inputs for the shared RoPE(10000, 64, 256). `pos`: "offset" (a contiguous run starting past 0, shape
    (seq,)), or "scattered" (distinct positions in random order, one row per leading index)."""

    def make(rng: np.random.Generator) -> dict:
        seq = x_shape[-2]
        if pos == "offset":
            positions = int(rng.integers(1, ROPE_64["max_seq_len"] - seq)) + np.arange(seq)
        else:
            rows = [rng.choice(ROPE_64["max_seq_len"], size=seq, replace=False) for _ in range(x_shape[0])]
            positions = np.stack(rows)
        return {**ROPE_64, "x": randn(rng, x_shape), "positions": positions.astype(np.int64)}

    return make


def run_on_fixture(impl: Impl, inp: dict, rope: Any) -> Any:
    return rope(tensor(inp["x"]), tensor(inp["positions"]))


def run_on_fixture_strided(impl: Impl, inp: dict, rope: Any) -> Any:
    # positions arrive as a transposed view: same values, non-contiguous memory
    positions = tensor(np.ascontiguousarray(inp["positions"].T)).T
    return rope(tensor(inp["x"]), positions)


def small_inputs(rng: np.random.Generator) -> dict:
    seq = 9
    return {"theta": float(rng.choice([100.0, 500.0, 10000.0])), "d_k": 8, "max_seq_len": 32,
            "x": randn(rng, (3, seq, 8)), "positions": np.arange(seq, dtype=np.int64)}


def run_own_module(impl: Impl, inp: dict) -> Any:
    rope = impl.RotaryPositionalEmbedding(inp["theta"], inp["d_k"], inp["max_seq_len"])
    return rope(tensor(inp["x"]), tensor(inp["positions"]))


def odd_inputs(rng: np.random.Generator) -> dict:
    d_k = int(rng.choice([3, 7, 15]))
    return {"theta": 10000.0, "d_k": d_k, "max_seq_len": 16, "x": randn(rng, (4, d_k)),
            "positions": np.arange(4, dtype=np.int64)}


SUITE = Suite(
    fixtures=(
        Fixture(name="rope_64", unit=UNIT, inputs=lambda rng: dict(ROPE_64),
                build=lambda impl, inp: impl.RotaryPositionalEmbedding(inp["theta"], inp["d_k"],
                                                                       inp["max_seq_len"]),
                summarize=lambda obj: sorted(obj.state_dict().keys()), compare=exact(),
                expect=ORACLES.expect_no_buffers),
    ),
    cases=(
        Case(name="rope/heads_shared_positions", inputs=rope_64_inputs((2, 3, 10, 64), "offset"),
             compare=ROPE_CLOSE, run=run_on_fixture, expect=ORACLES.expect_rope, hidden_draws=2, fixture="rope_64",
             note="x (batch 2, heads 3, seq 10, 64) with positions (10,) broadcast over batch and heads"),
        Case(name="rope/scattered_positions", inputs=rope_64_inputs((3, 12, 64), "scattered"),
             compare=ROPE_CLOSE, run=run_on_fixture_strided, expect=ORACLES.expect_rope, fixture="rope_64",
             note="x (3, 12, 64), per-row positions (3, 12) in random order, as a non-contiguous view"),
        Case(name="rope/small_d_k", inputs=small_inputs, compare=ROPE_CLOSE, run=run_own_module,
             expect=ORACLES.expect_rope,
             note="RoPE(theta, 8, 32) on x (3, 9, 8): adjacent pairs rotated by m theta^(-2k/d_k)"),
        Case(name="rope/odd_d_k_raises", inputs=odd_inputs, compare=raises(ValueError), run=run_own_module,
             note="an odd d_k cannot be split into pairs: the constructor raises ValueError"),
    ),
)
