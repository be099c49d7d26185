"""Edge cases graded only at hidden seeds: shapes and values the visible cases do not reach, each within what
the handout pins down (any leading dims, any dim, d_model = 1, a single key, the last table row). They reuse the
oracles of the visible cases' modules in a1_basics/oracles/ (and one of their own, in oracles/edge_cases.py)."""

from __future__ import annotations

import numpy as np

from a1_basics.cases import activations, attention, embedding, linear, rmsnorm, rope
from shared.cases import Case, Oracles, Suite, close
from shared.cases.tensors import randn

# expected values: instructor-only, never released; this module's own, then those of the visible cases' modules
ORACLES = Oracles("a1_basics.oracles.edge_cases")
LINEAR, RMSNORM = Oracles("a1_basics.oracles.linear"), Oracles("a1_basics.oracles.rmsnorm")
ACTIVATIONS, ATTENTION = Oracles("a1_basics.oracles.activations"), Oracles("a1_basics.oracles.attention")
ROPE = Oracles("a1_basics.oracles.rope")


def linear_1d(rng: np.random.Generator) -> dict:
    d_in, d_out = int(rng.integers(2, 20)), int(rng.integers(2, 20))
    return {"x": randn(rng, (d_in,)), "weight": randn(rng, (d_out, d_in), scale=d_in**-0.5)}


def embedding_3d(rng: np.random.Generator) -> dict:
    vocab, dim = int(rng.integers(5, 30)), int(rng.integers(2, 10))
    ids = rng.integers(0, vocab, size=(2, 3, 4)).astype(np.int64)
    return {"weight": randn(rng, (vocab, dim)), "ids": ids}


def rmsnorm_d1(rng: np.random.Generator) -> dict:
    # with one feature, x / rms(x) is sign(x) scaled by |x| / sqrt(x^2 + eps)
    return {"x": randn(rng, (5, 1), scale=3.0), "weight": randn(rng, (1,)) + np.float32(1.0), "eps": 1e-5}


def silu_float64(rng: np.random.Generator) -> dict:
    return {"x": randn(rng, (4, 6), scale=10.0, dtype=np.float64)}


def rope_last_row(rng: np.random.Generator) -> dict:
    max_seq_len, seq = 40, 5
    middle = rng.integers(1, max_seq_len - 1, size=seq - 2)
    positions = np.array([max_seq_len - 1, 0, *middle], dtype=np.int64)
    return {"theta": 10000.0, "d_k": 16, "max_seq_len": max_seq_len, "x": randn(rng, (2, seq, 16)),
            "positions": positions}


SUITE = Suite(cases=(
    Case(name="linear/edge_input_1d", inputs=linear_1d, compare=linear.FORWARD_CLOSE,
         run=linear.run_forward, expect=LINEAR.expect_forward, note="a single vector x (d_in,) with no batch dims"),
    Case(name="embedding/edge_ids_3d", inputs=embedding_3d, compare=close(),
         run=embedding.run_lookup, expect=ORACLES.expect_lookup, note="ids of shape (2, 3, 4)"),
    Case(name="rmsnorm/edge_d_model_1", inputs=rmsnorm_d1, compare=close(), run=rmsnorm.run_norm,
         expect=RMSNORM.expect_float64, note="d_model = 1"),
    Case(name="silu/edge_float64", inputs=silu_float64, compare=close(rtol=1e-12, atol=1e-12),
         run=activations.run_silu, expect=ACTIVATIONS.torch_float64.of("silu"),
         note="float64 input: computed and returned in float64"),
    Case(name="swiglu/edge_d_ff_40", inputs=activations.swiglu_inputs((3,), (5, 12), 40),
         compare=activations.SWIGLU_CLOSE, run=activations.run_swiglu, expect=ACTIVATIONS.expect_swiglu,
         note="d_ff = 40, not a multiple of 64"),
    Case(name="softmax/edge_dim0_3d", inputs=activations.softmax_inputs((4, 3, 5), 0, 3.0),
         compare=close(), run=activations.run_softmax, expect=ACTIVATIONS.torch_float64.of("softmax", dim="dim"),
         note="softmax over dim 0 of a 3-D tensor"),
    Case(name="sdpa/edge_single_key", inputs=attention.sdpa_inputs((2, 4, 8), 1, 5, None),
         compare=attention.SDPA_CLOSE, run=attention.run_sdpa, expect=ATTENTION.expect_sdpa,
         note="one key: every query's output is that key's value"),
    Case(name="rope/edge_last_position", inputs=rope_last_row, compare=rope.ROPE_CLOSE,
         run=rope.run_own_module, expect=ROPE.expect_rope, note="positions include 0 and max_seq_len - 1"),
))
