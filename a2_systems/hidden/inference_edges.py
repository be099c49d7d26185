"""Hidden-only inference cases (HANDOUT §6): sizes and orders the visible cases do not reach, each within what
the handout pins down (block size 1, forks of empty sequences, a parent freed before its fork appends, bigger
pools; one new token, k larger than the tokens left, zero tokens, the remaining bad inputs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a2_systems.cases.inference_paged import (
    KV_CLOSE,
    raise_inputs,
    run_raising,
    run_script,
    script_inputs,
    with_kv,
)
from a2_systems.cases.inference_speculative import (
    joint_inputs,
    models,
    one_thread,
    run_bad,
    run_joint,
)
from shared.cases import Case, Impl, Oracles, Suite, distribution, exact, fields, raises

ORACLES = Oracles("a2_systems.oracles.inference_edges")
PAGED = Oracles("a2_systems.oracles.inference_paged")
SPECULATIVE = Oracles("a2_systems.oracles.inference_speculative")


def fixed_script(ops: list[list], block_size: int, num_blocks: int) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        return {"num_blocks": num_blocks, "block_size": block_size, **with_kv(ops, rng)}

    return make


FREE_PARENT = [["add", 0], ["append", 0, 5], ["fork", 0, 1], ["free", 0], ["append", 1, 2], ["fork", 1, 2],
               ["append", 1, 1], ["append", 2, 4]]
FORK_EMPTY = [["add", 0], ["fork", 0, 1], ["append", 1, 3], ["append", 0, 2], ["fork", 1, 2], ["free", 1],
              ["append", 2, 1]]
SCRIPT = fields(steps=exact(), kv=KV_CLOSE)


def run_first_token(impl: Impl, inp: dict) -> Any:
    import torch

    g = torch.Generator().manual_seed(inp["seed"])
    target, draft = models(inp)
    with one_thread():
        toks = [int(impl.speculative_decode(target, draft, inp["prompt"], inp["k"], 1, inp["temperature"],
                                            g).tokens[0]) for _ in range(2000)]
    return np.asarray(toks, dtype=np.int64)


def run_zero_tokens(impl: Impl, inp: dict) -> dict:
    target, draft = models(inp)
    r = impl.speculative_decode(target, draft, inp["prompt"], 3, 0, 1.0, None)
    return {"tokens": [int(t) for t in r.tokens], "calls": [int(r.target_calls), int(r.draft_calls)]}


SUITE = Suite(cases=(
    Case(name="paged/edge_block_size_one", inputs=script_inputs(30, (1,), 24), compare=SCRIPT,
         run=run_script, expect=PAGED.simulate, hidden_draws=2,
         note="block_size 1: every position its own block, never a partly filled one"),
    Case(name="paged/edge_big_pool", inputs=script_inputs(80, (6, 8), 40), compare=SCRIPT, run=run_script,
         expect=PAGED.simulate, hidden_draws=2, note="80 random ops on 40 blocks of 6 or 8"),
    Case(name="paged/edge_parent_freed_first", inputs=fixed_script(FREE_PARENT, 4, 6), compare=SCRIPT,
         run=run_script, expect=PAGED.simulate,
         note="a fork whose parent is freed owns the shared block alone: no copy"),
    Case(name="paged/edge_fork_empty", inputs=fixed_script(FORK_EMPTY, 2, 6), compare=SCRIPT,
         run=run_script, expect=PAGED.simulate, note="forking an empty sequence shares nothing"),
    Case(name="paged/free_unknown_raises", inputs=raise_inputs, compare=raises(ValueError),
         run=run_raising("unknown_free"), note="freeing a sequence twice: ValueError"),
    Case(name="paged/duplicate_add_raises", inputs=raise_inputs, compare=raises(ValueError),
         run=run_raising("duplicate_add"), note="adding a sequence id in use: ValueError"),
    Case(name="paged/wrong_shape_raises", inputs=raise_inputs, compare=raises(ValueError),
         run=run_raising("wrong_shape"), note="k with 1 head for a 2-head cache: ValueError"),
    Case(name="speculative/edge_one_token", inputs=joint_inputs(3, 1), compare=distribution(),
         run=run_first_token, expect=ORACLES.expect_first_token,
         note="max_new_tokens = 1: no draft, one target sample, distributed as p(x1)"),
    Case(name="speculative/edge_k_beyond_budget", inputs=joint_inputs(7, 3), compare=distribution(),
         run=run_joint, expect=SPECULATIVE.expect_joint,
         note="k = 7 with 3 tokens to make: the first two tokens' joint distribution"),
    Case(name="speculative/edge_zero_tokens", inputs=joint_inputs(3, 0), compare=exact(),
         run=run_zero_tokens, expect=ORACLES.expect_zero_tokens,
         note="max_new_tokens = 0: no token, no model call"),
    Case(name="speculative/empty_prompt_raises", inputs=joint_inputs(2, 3), compare=raises(ValueError),
         run=run_bad("empty_prompt"), note="an empty prompt: ValueError"),
    Case(name="speculative/negative_temperature_raises", inputs=joint_inputs(2, 3),
         compare=raises(ValueError), run=run_bad("temperature"), note="temperature -1: ValueError"),
))
