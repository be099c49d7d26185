"""Expected values of a5's entropy and response-log-prob cases (a5_alignment/cases/log_probs.py), instructor-only
(no release ships it; nothing the worker imports imports it): torch.distributions.Categorical in float64, worked
entropies, and a float64 numpy log-softmax of the stand-in prefix LM (a5_alignment/cases/tensors.py)."""

from __future__ import annotations

import math

import numpy as np

from shared.cases.tensors import f64


def prefix_lm_logits64(w: dict, ids: np.ndarray) -> np.ndarray:
    """The stand-in LM in float64: logits[b, t] = out @ mean(emb[ids[b, :t+1]]) * 3 + bias."""
    e = f64(w["emb"])[ids]  # (batch, seq, dim)
    prefix = np.cumsum(e, axis=1) / np.arange(1, ids.shape[1] + 1)[None, :, None]
    return 3.0 * prefix @ f64(w["out"]).T + f64(w["bias"])


def log_softmax64(logits: np.ndarray) -> np.ndarray:
    z = f64(logits)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def expect_categorical(inp: dict) -> np.ndarray:
    """Oracle: torch.distributions.Categorical(logits).entropy() in float64."""
    import torch

    z = torch.from_numpy(f64(inp["logits"]))
    return torch.distributions.Categorical(logits=z).entropy().numpy().astype(inp["logits"].dtype)


def expect_worked_entropy(inp: dict) -> np.ndarray:
    v = inp["logits"].shape[1]
    return np.array([math.log(v), 0.0, math.log(inp["k"])], dtype=np.float32)


def expect_lp(inp: dict) -> dict:
    """Oracle: float64 numpy log-softmax of the stand-in's logits, gathered at the labels; entropy -sum p log p;
    d(sum log_probs)/d bias = sum over positions of (onehot(label) - p)."""
    logits = prefix_lm_logits64(inp["w"], inp["input_ids"])
    lsm = log_softmax64(logits)
    lp = np.take_along_axis(lsm, inp["labels"][..., None], axis=-1)[..., 0]
    p = np.exp(lsm)
    onehot = np.eye(logits.shape[-1])[inp["labels"]]
    return {"log_probs": lp.astype(np.float32), "token_entropy": (-(p * lsm).sum(-1)).astype(np.float32),
            "bias_grad": (onehot - p).sum(axis=(0, 1)).astype(np.float32)}
