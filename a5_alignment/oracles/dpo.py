"""Expected values of a5's DPO cases (a5_alignment/cases/dpo.py), instructor-only (no release ships it; nothing the
worker imports imports it): a float64 recomputation from full-sequence log-softmax (torch.nn.functional), and the
worked fact that with lm == lm_ref the margin is 0, so the loss is log 2 for any pair."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from a5_alignment.cases.dpo import build_lm
from a5_alignment.cases.tensors import PairTokenizer

TEMPLATE = ("Below is an instruction that describes a task. Write a response that appropriately completes the "
            "request.\n\n### Instruction:\n{prompt}\n\n### Response:\n")


def expect_dpo(inp: dict) -> dict:
    """Oracle in float64: the pinned template, ids = enc(template) + enc(response) + [eos]; sum of
    F.log_softmax over the response positions; -F.logsigmoid(beta * margin); and the analytic gradient norm
    taken from autograd of this float64 recomputation."""
    import torch
    import torch.nn.functional as F

    tok = PairTokenizer()
    lm, ref = build_lm(inp["lm"], torch.float64), build_lm(inp["ref"], torch.float64)

    def logp(model: Any, response: str) -> torch.Tensor:
        p = tok.encode(TEMPLATE.format(prompt=inp["prompt"]))
        ids = torch.tensor(p + tok.encode(response) + [tok.eos_token_id])
        lsm = F.log_softmax(model(ids[None])[0], dim=-1)  # (len, vocab)
        positions = torch.arange(len(p), len(ids))
        return lsm[positions - 1, ids[positions]].sum()

    margin = (logp(lm, inp["chosen"]) - logp(ref, inp["chosen"]).detach()) - (
        logp(lm, inp["rejected"]) - logp(ref, inp["rejected"]).detach())
    loss = -F.logsigmoid(inp["beta"] * margin)
    loss.backward()
    return {"loss": np.asarray(loss.item(), np.float32), "ref_has_no_grad": 1.0,
            "lm_grad_norm": float(lm.lm_head.weight.grad.norm())}


def expect_same_model_log2(inp: dict) -> np.ndarray:
    return np.asarray(math.log(2.0), np.float32)
