"""Edge cases graded only at hidden seeds: shapes and values the visible cases do not reach, each within what
the handout pins down (any leading dims, any dim, d_model = 1, a single key, the last table row)."""

from __future__ import annotations

import numpy as np

from a1_basics.cases import activations, attention, embedding, linear, rmsnorm, rope
from a1_basics.cases.tensors import randn
from shared.cases import Case, Suite, close


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
    Case("linear/edge_input_1d", "a1.linear", linear_1d, linear.FORWARD_CLOSE, linear.run_forward,
         linear.expect_forward, seeds=(), hidden_draws=1, note="a single vector x (d_in,) with no batch dims"),
    Case("embedding/edge_ids_3d", "a1.embedding", embedding_3d, close(), embedding.run_lookup,
         lambda inp: inp["weight"][inp["ids"]], seeds=(), hidden_draws=1, note="ids of shape (2, 3, 4)"),
    Case("rmsnorm/edge_d_model_1", "a1.rmsnorm", rmsnorm_d1, close(), rmsnorm.run_norm,
         rmsnorm.expect_float64, seeds=(), hidden_draws=1, note="d_model = 1"),
    Case("silu/edge_float64", "a1.silu", silu_float64, close(rtol=1e-12, atol=1e-12), activations.run_silu,
         activations.torch_float64("silu"), seeds=(), hidden_draws=1,
         note="float64 input: computed and returned in float64"),
    Case("swiglu/edge_d_ff_40", "a1.swiglu", activations.swiglu_inputs((3,), (5, 12), 40),
         activations.SWIGLU_CLOSE, activations.run_swiglu, activations.expect_swiglu, seeds=(),
         hidden_draws=1, note="d_ff = 40, not a multiple of 64"),
    Case("softmax/edge_dim0_3d", "a1.softmax", activations.softmax_inputs((4, 3, 5), 0, 3.0), close(),
         activations.run_softmax, activations.torch_float64("softmax", dim="dim"), seeds=(), hidden_draws=1,
         note="softmax over dim 0 of a 3-D tensor"),
    Case("sdpa/edge_single_key", "a1.sdpa", attention.sdpa_inputs((2, 4, 8), 1, 5, None), attention.SDPA_CLOSE,
         attention.run_sdpa, attention.expect_sdpa, seeds=(), hidden_draws=1,
         note="one key: every query's output is that key's value"),
    Case("rope/edge_last_position", "a1.rope", rope_last_row, rope.ROPE_CLOSE, rope.run_own_module,
         rope.expect_rope, seeds=(), hidden_draws=1, note="positions include 0 and max_seq_len - 1"),
))
