"""Cases for a1.embedding: row lookup against numpy indexing, the state-dict layout, and the initialisation
distribution (N(0, 1) truncated at ±3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import (
    DIST_ALPHA,
    randn,
    state_dict_summary,
    tensor,
    truncated_normal_cdf,
    within_truncation,
)
from shared.cases import Case, Impl, Suite, close, distribution, exact, predicate

UNIT = "a1.embedding"
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
    return {"vocab": int(rng.integers(2, 100)), "dim": int(rng.integers(2, 40))}


def run_state_dict(impl: Impl, inp: dict) -> dict:
    import torch

    return state_dict_summary(impl.Embedding(inp["vocab"], inp["dim"], dtype=torch.float64))


SUITE = Suite(cases=(
    Case("embedding/lookup_2d", UNIT, lookup_inputs((4, 7)), close(), run_lookup,
         lambda inp: inp["weight"][inp["ids"]], seeds=(0, 1), hidden_draws=2,
         note="ids (4, 7) -> rows of the weight, shape (4, 7, d_model), including ids 0 and vocab-1"),
    Case("embedding/lookup_1d_repeats", UNIT, lookup_inputs((9,)), close(), run_lookup,
         lambda inp: inp["weight"][inp["ids"]], seeds=(0, 1), hidden_draws=1,
         note="a 1-D id sequence with repeated ids -> (seq, d_model)"),
    Case("embedding/state_dict", UNIT, state_dict_inputs, exact(), run_state_dict,
         lambda inp: {"keys": ["weight"], "shapes": [[inp["vocab"], inp["dim"]]],
                      "dtypes": ["torch.float64"]},
         seeds=(0, 1), hidden_draws=1,
         note="the only parameter is `weight`, (num_embeddings, embedding_dim), in the requested dtype"),
    Case("embedding/init_distribution", UNIT, init_inputs,
         distribution(cdf=lambda inp: truncated_normal_cdf(1.0, 3.0), alpha=DIST_ALPHA), run_init, seeds=(0, 1),
         hidden_draws=1,
         note="Embedding(500, 64) weights follow N(0, 1) truncated at ±3 (KS test)"),
    Case("embedding/init_truncation", UNIT, init_inputs, predicate("within ±3", within_truncation(lambda inp: 1.0)),
         run_init, seeds=(0, 1), hidden_draws=1,
         note="no weight of Embedding(500, 64) lies beyond ±3; their spread is the truncated normal's"),
))
