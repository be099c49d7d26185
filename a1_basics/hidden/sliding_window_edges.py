"""Edge cases of the optional unit a1.sliding_window, graded only at hidden seeds; each within what HANDOUT §11.1
pins down (window 1, any leading dims, a first chunk several windows long, reset() before a new batch shape)."""

from __future__ import annotations

from typing import Any

import numpy as np

from a1_basics.cases import sliding_window as sw
from a1_basics.cases.model import MODEL_CLOSE
from shared.cases import Case, Impl, Oracles, Suite
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.sliding_window")  # expected values: instructor-only, never released


def window_one(rng: np.random.Generator) -> dict:
    inp = sw.window_inputs(seq_range=(4, 9))(rng)
    inp["window"] = 1
    return inp


def long_first_chunk(rng: np.random.Generator) -> dict:
    """An empty cache fed a first chunk of three windows or more, then single tokens."""
    inp = sw.window_inputs(seq_range=(14, 19), window_range=(2, 4))(rng)
    seq = inp["x"].shape[-2]
    first = int(rng.integers(3 * inp["window"], seq - 1))
    inp["chunks"] = [first] + [1] * (seq - first)
    return inp


def after_reset(rng: np.random.Generator) -> dict:
    inp = sw.window_inputs(chunks="tokens", seq_range=(12, 16))(rng)
    inp["first"] = randn(rng, (3, 7, inp["d_model"]))  # another batch shape, forgotten by reset()
    return inp


def run_after_reset(impl: Impl, inp: dict) -> Any:
    import torch

    attn = sw.build(impl, inp)
    cache = impl.SlidingWindowKVCache(1, inp["window"])
    with torch.no_grad():
        attn(tensor(inp["first"]), kv_cache=cache)
    cache.reset()
    return sw.run_chunks(impl, inp, cache)


SUITE = Suite(cases=(
    Case(name="sliding_window/edge_window_one", inputs=window_one, compare=MODEL_CLOSE, run=sw.run_forward,
         expect=ORACLES.expect_window_one,
         note="window 1: each query sees only itself, so the output is output_proj of its own values"),
    Case(name="sliding_window/edge_leading_dims", inputs=sw.window_inputs(chunks="tokens", batch=(2, 2),
                                                                         seq_range=(12, 15)),
         compare=MODEL_CLOSE, run=sw.run_chunks, expect=ORACLES.expect_forward,
         note="x (2, 2, seq, d_model) decoded through the cache: any leading dims"),
    Case(name="sliding_window/edge_long_first_chunk", inputs=long_first_chunk, compare=MODEL_CLOSE,
         run=sw.run_chunks, expect=ORACLES.expect_forward,
         note="a first chunk of three windows or more into an empty cache: only its last window is kept"),
    Case(name="sliding_window/edge_reset", inputs=after_reset, compare=MODEL_CLOSE, run=run_after_reset,
         expect=ORACLES.expect_forward,
         note="a batch of 3, reset(), then a batch of 2 decoded token by token"),
))
