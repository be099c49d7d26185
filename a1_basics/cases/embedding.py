"""Cases for a1.embedding: row lookup against numpy indexing, the state-dict layout, and the initialisation
distribution (N(0, 1) truncated at ±3). The oracles are in a1_basics/oracles/embedding.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import DIST_ALPHA, state_dict_summary, truncated_normal_cdf, within_truncation
from shared.cases import Case, Impl, Oracles, Suite, close, distribution, exact, predicate
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.embedding")  # expected values: instructor-only, never released

INIT_VOCAB, INIT_DIM = 500, 64


def lookup_inputs(ids_shape: tuple[int, ...]) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        vocab, dim = int(rng.integers(10, 60)), int(rng.integers(4, 24))
        ids = rng.integers(0, vocab, size=ids_shape)
        # the first and last rows are where off-by-one lookups go wrong; repeats must give equal rows
        ids.flat[0], ids.flat[-1], ids.flat[1] = 0, vocab - 1, ids.flat[2]
        return {"weight": randn(rng, (vocab, dim)), "ids": ids.astype(np.int64)}

    return make


def run_lookup(impl: Impl, inp: dict) -> Any:
    vocab, dim = inp["weight"].shape
    table = impl.Embedding(vocab, dim)
    table.load_state_dict({"weight": tensor(inp["weight"])})
    return table(tensor(inp["ids"]))


def init_inputs(rng: np.random.Generator) -> dict:
    return {"vocab": INIT_VOCAB, "dim": INIT_DIM, "torch_seed": int(rng.integers(2**31))}


def run_init(impl: Impl, inp: dict) -> Any:
    import torch

    torch.manual_seed(inp["torch_seed"])
    return impl.Embedding(inp["vocab"], inp["dim"]).weight.detach().flatten()


def state_dict_inputs(rng: np.random.Generator) -> dict:
    # wide (about 1.2M shapes): a hidden draw never repeats a visible one, whose answer ships with the release
    return {"vocab": int(rng.integers(2, 20000)), "dim": int(rng.integers(2, 64))}


def run_state_dict(impl: Impl, inp: dict) -> dict:
    import torch

    return state_dict_summary(impl.Embedding(inp["vocab"], inp["dim"], dtype=torch.float64))


SUITE = Suite(cases=(
    Case(name="embedding/lookup_2d", inputs=lookup_inputs((4, 7)), compare=close(), run=run_lookup,
         expect=ORACLES.expect_lookup, hidden_draws=2,
         note="ids (4, 7) -> rows of the weight, shape (4, 7, d_model), including ids 0 and vocab-1"),
    Case(name="embedding/lookup_1d_repeats", inputs=lookup_inputs((9,)), compare=close(), run=run_lookup,
         expect=ORACLES.expect_lookup,
         note="a 1-D id sequence with repeated ids -> (seq, d_model)"),
    Case(name="embedding/state_dict", inputs=state_dict_inputs, compare=exact(), run=run_state_dict,
         expect=ORACLES.expect_state_dict,
         note="the only parameter is `weight`, (num_embeddings, embedding_dim), in the requested dtype"),
    Case(name="embedding/init_distribution", inputs=init_inputs,
         compare=distribution(cdf=lambda inp: truncated_normal_cdf(1.0, 3.0), alpha=DIST_ALPHA), run=run_init,
         note="Embedding(500, 64) weights follow N(0, 1) truncated at ±3 (KS test)"),
    Case(name="embedding/init_truncation", inputs=init_inputs,
         compare=predicate("within ±3", within_truncation(lambda inp: 1.0)), run=run_init,
         note="no weight of Embedding(500, 64) lies beyond ±3; their spread is the truncated normal's"),
))
