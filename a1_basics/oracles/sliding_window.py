"""Expected values of the cases of the optional unit a1.sliding_window (cases/sliding_window.py and
hidden/sliding_window_edges.py). Instructor-only: no release ships this module, and nothing the worker imports
imports it.

Written from the definition, query i attends to keys j with i - window < j <= i, as a float64 numpy loop: for each
batch row, head and query, the scores of its window's keys only, a softmax over them and the weighted values. RoPE
is the real form of the adjacent-pair rotation, (x0 cos - x1 sin, x0 sin + x1 cos) at angle m * theta^(-2k/d).
Nothing here shares code with the reference (which builds a boolean mask over a full score matrix).
"""

from __future__ import annotations

import numpy as np

from shared.cases.tensors import f64


def rope_pairs64(x: np.ndarray, positions: np.ndarray, theta: float) -> np.ndarray:
    """x (..., seq, d) float64, positions (seq,): each pair (x[2k], x[2k+1]) rotated by m * theta^(-2k/d)."""
    d = x.shape[-1]
    angle = positions.astype(np.float64)[:, None] * theta ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    cos, sin = np.cos(angle), np.sin(angle)  # (seq, d/2)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = x0 * cos - x1 * sin
    out[..., 1::2] = x0 * sin + x1 * cos
    return out


def expect_mask(inp: dict) -> np.ndarray:
    q, k, w = inp["q_positions"], inp["k_positions"], inp["window"]
    mask = np.zeros((len(q), len(k)), dtype=bool)
    for i, qi in enumerate(q):
        for j, kj in enumerate(k):
            mask[i, j] = qi - w < kj <= qi
    return mask


def window_attention64(inp: dict) -> np.ndarray:
    """The attention of the case's weights over x (*batch, seq, d_model), float64, each query over its window."""
    x = f64(inp["x"])
    lead, (seq, d) = x.shape[:-2], x.shape[-2:]
    H, kv, w = inp["num_heads"], inp["num_kv_heads"], inp["window"]
    dh = d // H
    W = {k: f64(v) for k, v in inp["weights"].items()}
    xs = x.reshape(-1, seq, d)
    out = np.zeros_like(xs)
    pos = np.arange(seq)
    for b in range(xs.shape[0]):
        q, k, v = xs[b] @ W["q_proj.weight"].T, xs[b] @ W["k_proj.weight"].T, xs[b] @ W["v_proj.weight"].T
        heads = np.zeros((seq, H * dh))
        for h in range(H):
            g = h // (H // kv)  # the kv head query head h reads (consecutive query heads share one)
            qh, kh, vh = q[:, h * dh:(h + 1) * dh], k[:, g * dh:(g + 1) * dh], v[:, g * dh:(g + 1) * dh]
            if "theta" in inp:
                qh, kh = rope_pairs64(qh, pos, inp["theta"]), rope_pairs64(kh, pos, inp["theta"])
            for i in range(seq):
                js = range(max(0, i - w + 1), i + 1)  # the window: i - w < j <= i
                s = np.array([qh[i] @ kh[j] for j in js]) / np.sqrt(dh)
                p = np.exp(s - s.max())
                heads[i, h * dh:(h + 1) * dh] = (p / p.sum()) @ vh[list(js)]
        out[b] = heads @ W["output_proj.weight"].T
    return out.reshape(*lead, seq, d)


def expect_forward(inp: dict) -> np.ndarray:
    return window_attention64(inp).astype(np.float32)


def expect_bounded(inp: dict) -> dict:
    # the bytes are a property (cases/sliding_window.py: cache_within_window); only the outputs have a value
    return {"out": expect_forward(inp), "bytes": None}


def expect_window_one(inp: dict) -> np.ndarray:
    """window = 1, worked by hand: each query's only key is its own, whose softmax weight is exp(s)/exp(s) = 1, so
    head h outputs v_i of its kv head h // (H / kv) and the layer is output_proj(v repeated per group): RoPE and
    the queries drop out entirely."""
    x = f64(inp["x"])
    H, kv = inp["num_heads"], inp["num_kv_heads"]
    dh = x.shape[-1] // H
    v = x @ f64(inp["weights"]["v_proj.weight"]).T  # (..., seq, kv * dh)
    per_head = np.concatenate([v[..., (h // (H // kv)) * dh:(h // (H // kv) + 1) * dh] for h in range(H)], axis=-1)
    return (per_head @ f64(inp["weights"]["output_proj.weight"]).T).astype(np.float32)
