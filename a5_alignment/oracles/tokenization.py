"""Expected values of a5's tokenize cases (a5_alignment/cases/tokenization.py), instructor-only (no release ships
it; nothing the worker imports imports it): a numpy formula over the toy tokenizer's encodings, and the worked
example."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer


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


def expect_worked(inp: dict) -> dict:
    # By hand: a=65 b=66 c=67 d=68 e=69 f=70 g=71 (ord - 32), pad 97.
    # row 0: [65 66 68 97], prompt 2 tokens; row 1: [67 69 70 71], prompt 1 token.
    # input_ids = rows[:, :3]; labels = rows[:, 1:]; mask marks labels that are response tokens:
    # row 0 labels [66 68 97] -> [F T F]; row 1 labels [69 70 71] -> [T T T].
    return {"input_ids": np.array([[65, 66, 68], [67, 69, 70]], dtype=np.int64),
            "labels": np.array([[66, 68, 97], [69, 70, 71]], dtype=np.int64),
            "response_mask": np.array([[False, True, False], [True, True, True]])}
