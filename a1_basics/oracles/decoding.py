"""Expected values of a1.decoding's cases (instructor-only): top-p filtering in float64 numpy, the filtered
sampling distributions, argmax for temperature 0, and the stand-in LM's greedy paths."""

import numpy as np

from a1_basics.cases.decoding import prefix_logits, softmax64
from shared.cases.tensors import f64


def top_p_oracle(probs: np.ndarray, p: float) -> np.ndarray:
    """Row by row: sort by (-prob, id), keep each token whose preceding mass is < p, renormalise."""
    probs = f64(probs)
    out = np.zeros_like(probs)
    for idx in np.ndindex(probs.shape[:-1]):
        row = probs[idx]
        order = np.lexsort((np.arange(row.size), -row))
        before = np.cumsum(row[order]) - row[order]
        keep = order[before < p] if p < 1.0 else order
        out[idx][keep] = row[keep]
        out[idx] /= out[idx].sum()
    return out


def expect_top_p(inp: dict) -> np.ndarray:
    return top_p_oracle(inp["probs"], inp["p"]).astype(np.float32)


def expect_top_p_rows(inp: dict) -> list:
    return [top_p_oracle(r, p).astype(np.float32)
            for r, p in zip(inp["rows"], inp["ps"], strict=True)]


def expect_sample_probs(inp: dict) -> np.ndarray:
    return top_p_oracle(softmax64(f64(inp["logits"]) / inp["temperature"]), inp["top_p"])


def expect_greedy(inp: dict) -> dict:
    return {"batch": np.argmax(inp["logits"], axis=-1).astype(np.int64),
            "single": np.asarray(np.argmax(inp["logits"][0]), dtype=np.int64)}


def expect_path(inp: dict) -> list:
    """The oracle's greedy tokens, which the inputs carry (lm_inputs draws until the path's margins are safe)."""
    return list(inp["path"])


def expect_eos(inp: dict) -> list:
    return list(inp["expected"])


def expect_generate_probs(inp: dict) -> np.ndarray:
    logits = prefix_logits(inp["A"], inp["B"], inp["prompt"])[-1]
    return top_p_oracle(softmax64(logits / inp["temperature"]), inp["top_p"])
