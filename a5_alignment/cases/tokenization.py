"""Cases for a5.tokenize: a hand-worked example, random batches against a numpy formula, the pinned prompt/
response boundary (encoded separately) and the pad id."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer, random_text
from shared.cases import Case, Impl, Suite, exact, raises


def run_tokenize(impl: Impl, inp: dict) -> Any:
    out = impl.tokenize_prompt_and_output(list(inp["prompts"]), list(inp["outputs"]), PairTokenizer())
    return {k: out[k] for k in ("input_ids", "labels", "response_mask")}


def expect_numpy(inp: dict) -> dict:
    """Oracle: rows = encode(prompt) + encode(output), padded with 97, sliced [:-1] / [1:]."""
    tok = PairTokenizer()
    ps = [tok.encode(p) for p in inp["prompts"]]
    os_ = [tok.encode(o) for o in inp["outputs"]]
    length = max(len(p) + len(o) for p, o in zip(ps, os_, strict=True))
    ids = np.full((len(ps), length), tok.pad_token_id, dtype=np.int64)
    mask = np.zeros((len(ps), length), dtype=bool)
    for i, (p, o) in enumerate(zip(ps, os_, strict=True)):
        ids[i, :len(p) + len(o)] = p + o
        mask[i, len(p):len(p) + len(o)] = True
    return {"input_ids": ids[:, :-1], "labels": ids[:, 1:], "response_mask": mask[:, 1:]}


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"prompts": ["ab", "c"], "outputs": ["d", "efg"]}


def expect_worked(inp: dict) -> dict:
    # By hand: a=65 b=66 c=67 d=68 e=69 f=70 g=71 (ord - 32), pad 97.
    # row 0: [65 66 68 97], prompt 2 tokens; row 1: [67 69 70 71], prompt 1 token.
    # input_ids = rows[:, :3]; labels = rows[:, 1:]; mask marks labels that are response tokens:
    # row 0 labels [66 68 97] -> [F T F]; row 1 labels [69 70 71] -> [T T T].
    return {"input_ids": np.array([[65, 66, 68], [67, 69, 70]], dtype=np.int64),
            "labels": np.array([[66, 68, 97], [69, 70, 71]], dtype=np.int64),
            "response_mask": np.array([[False, True, False], [True, True, True]])}


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
         expect=expect_worked, seeds=(0,), hidden_draws=0,
         note="prompts ['ab', 'c'], outputs ['d', 'efg']: the example worked out in the case"),
    Case(name="tokenize/random_batch", inputs=random_inputs, compare=exact(), run=run_tokenize,
         expect=expect_numpy, seeds=(0, 1, 2), hidden_draws=3,
         note="random prompts and outputs, right-padded with pad_token_id, mask on the labels"),
    Case(name="tokenize/separate_encoding", inputs=boundary_inputs, compare=exact(), run=run_tokenize,
         expect=expect_numpy, hidden_draws=2,
         note="prompt ends in 't', output starts with 'h': encode them separately (no 'th' merge)"),
    Case(name="tokenize/length_mismatch_raises", inputs=lambda rng: {}, compare=raises(ValueError),
         run=run_mismatch, expect=None, seeds=(0,), hidden_draws=0, note="2 prompts and 1 output: ValueError"),
))
