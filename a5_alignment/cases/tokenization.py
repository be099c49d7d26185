"""Cases for a5.tokenize: a hand-worked example, random batches against a numpy formula, the pinned prompt/
response boundary (encoded separately) and the pad id. The oracles are in a5_alignment/oracles/tokenization.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer, random_text
from shared.cases import Case, Impl, Oracles, Suite, exact, raises

ORACLES = Oracles("a5_alignment.oracles.tokenization")  # expected values: instructor-only, never released


def run_tokenize(impl: Impl, inp: dict) -> Any:
    out = impl.tokenize_prompt_and_output(list(inp["prompts"]), list(inp["outputs"]), PairTokenizer())
    return {k: out[k] for k in ("input_ids", "labels", "response_mask")}


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"prompts": ["ab", "c"], "outputs": ["d", "efg"]}


def random_inputs(rng: np.random.Generator) -> dict:
    b = int(rng.integers(2, 6))
    return {"prompts": [random_text(rng, 1, 6) for _ in range(b)], "outputs": [random_text(rng, 1, 6)
                                                                                for _ in range(b)]}


def boundary_inputs(rng: np.random.Generator) -> dict:
    # prompts ending in "t" and outputs starting with "h": "t"+"h" must stay two tokens
    b = int(rng.integers(2, 5))
    return {"prompts": [random_text(rng, 1, 4) + "t" for _ in range(b)],
            "outputs": ["h" + random_text(rng, 0, 4) for _ in range(b)]}


def run_mismatch(impl: Impl, inp: dict) -> Any:
    return impl.tokenize_prompt_and_output(["a", "b"], ["c"], PairTokenizer())


SUITE = Suite(cases=(
    Case(name="tokenize/worked_example", inputs=worked_inputs, compare=exact(), run=run_tokenize,
         expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0,
         note="prompts ['ab', 'c'], outputs ['d', 'efg']: the example worked out in the case"),
    Case(name="tokenize/random_batch", inputs=random_inputs, compare=exact(), run=run_tokenize,
         expect=ORACLES.expect_numpy, seeds=(0, 1, 2), hidden_draws=3,
         note="random prompts and outputs, right-padded with pad_token_id, mask on the labels"),
    Case(name="tokenize/separate_encoding", inputs=boundary_inputs, compare=exact(), run=run_tokenize,
         expect=ORACLES.expect_numpy, hidden_draws=2,
         note="prompt ends in 't', output starts with 'h': encode them separately (no 'th' merge)"),
    Case(name="tokenize/length_mismatch_raises", inputs=lambda rng: {}, compare=raises(ValueError),
         run=run_mismatch, expect=None, seeds=(0,), hidden_draws=0, note="2 prompts and 1 output: ValueError"),
))
