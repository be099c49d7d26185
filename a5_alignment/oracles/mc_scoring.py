"""Expected values of a5's multiple-choice cases (a5_alignment/cases/mc_scoring.py), instructor-only: the
harness's split written from its documented rule with a regular expression for the trailing whitespace, hand-worked
token lists, and the log-likelihoods in float64 from the stand-in LM's numpy form (oracles/log_probs.py)."""

from __future__ import annotations

import math
import re

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer
from a5_alignment.oracles.log_probs import log_softmax64, prefix_lm_logits64

EOS = PairTokenizer.eos_token_id


def split_pair(context: str, continuation: str) -> tuple[list[int], list[int]]:
    tok = PairTokenizer()
    if not context:
        return [EOS], tok.encode(continuation)
    head, tail = re.fullmatch(r"(.*?)(\s*)", context, flags=re.S).groups()
    ctx_ids = tok.encode(head)
    return ctx_ids, tok.encode(head + tail + continuation)[len(ctx_ids):]


def expect_encode(inp: dict) -> list:
    return [[c, k] for c, k in (split_pair(ctx, cont) for ctx, cont in inp["pairs"])]


def expect_encode_worked(inp: dict) -> list:
    # PairTokenizer: printable c -> ord(c) - 32 (" " 0, "4" 20, "a" 65, "e" 69, "h" 72, "n" 78, "o" 79, "s" 83,
    # "t" 84, "y" 89, "?" 31 for any other character such as "\n"), "th" -> 95, eos 96.
    q = [ord(c) - 32 for c in "Question: 2+2="]
    cat = [ord(c) - 32 for c in "The cat sat"]
    return [
        [q, [0, 20]],  # no trailing space: " 4" is its own
        [cat, [0, 79, 78]],  # the trailing " " moves: the continuation is " on"
        [[65, 84], [69]],  # enc("athe") = a, th, e; enc("at") has 2 tokens, so the continuation is [e]
        [[96], [95, 69]],  # empty context: [eos], and "the" alone = th, e
        [[ord(c) - 32 for c in "Answer:"], [31, 89, 69, 83]],  # "\n" moves (str.rstrip strips it) and is "?"
        [[83, 79, 0, 84], [65, 84]],  # enc("so that") = s, o, " ", th, a, t; [4:] = a, t
    ]


def _choice_ll(w: dict, context: str, continuation: str) -> float:
    ctx, cont = split_pair(context, continuation)
    ids = np.array(ctx + cont)
    lsm = log_softmax64(prefix_lm_logits64(w, ids[None, :-1]))[0]
    token_lp = lsm[np.arange(len(ids) - 1), ids[1:]]
    return float(token_lp[len(ctx) - 1:].sum())


def _pick(scores: np.ndarray, gold: int) -> tuple[float, float]:
    """(1.0 if the first argmax is gold, gap between the best and second-best score)."""
    order = np.sort(scores)[::-1]
    gap = float(order[0] - order[1]) if len(order) > 1 else math.inf
    return float(int(np.argmax(scores)) == gold), gap


def expect_mc(inp: dict) -> dict:
    ll = np.array([_choice_ll(inp["w"], inp["context"], inp["delimiter"] + c) for c in inp["choices"]])
    acc, acc_gap = _pick(ll, inp["gold"])
    acc_norm, norm_gap = _pick(ll / np.array([len(c) for c in inp["choices"]], dtype=np.float64), inp["gold"])
    return {"loglikelihoods": ll, "acc": acc, "acc_norm": acc_norm, "acc_gap": acc_gap, "acc_norm_gap": norm_gap}


def expect_uniform(inp: dict) -> dict:
    lv = math.log(PairTokenizer.vocab_size)
    return {"loglikelihoods": np.array([-4 * lv, -3 * lv, -6 * lv]), "acc": 0.0, "acc_norm": 1.0,
            "acc_gap": lv, "acc_norm_gap": (1 - 6 / 7) * lv}
