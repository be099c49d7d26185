"""Expected values of the cases of the optional unit a1.mla (cases/mla.py and hidden/mla_edges.py). Instructor-only:
no release ships this module, and nothing the worker imports imports it.

Written from DeepSeek-V2 (DeepSeek-AI, 2024), section 2.1, in float64 numpy, one token t and one head i at a time:
  (9)  c_KV_t = W_DKV h_t                       (12) c_Q_t = W_DQ h_t
  (10) k_C_t = W_UK c_KV_t                      (13) q_C_t = W_UQ c_Q_t
  (11) v_C_t = W_UV c_KV_t                      (14) q_R_t = RoPE(W_QR c_Q_t), split per head
  (15) k_R_t = RoPE(W_KR h_t), one per token, shared by every head
  (16) q_t,i = [q_C_t,i ; q_R_t,i]              (17) k_t,i = [k_C_t,i ; k_R_t]
  (18) o_t,i = sum_{j<=t} softmax_j(q_t,i . k_j,i / sqrt(d_h + d_R)) v_C_j,i
  (19) u_t = W_O [o_t,1 ; ... ; o_t,n_h]
RoPE is the real form of the adjacent-pair rotation (oracles/sliding_window.py: rope_pairs64). Nothing here shares
code with the reference (torch modules, a masked score matrix, the absorbed einsums).
"""

from __future__ import annotations

import numpy as np

from a1_basics.cases.mla import SHAPES
from a1_basics.oracles.sliding_window import rope_pairs64
from shared.cases.tensors import f64


def _positions(inp: dict, row: int, seq: int) -> np.ndarray:
    if "positions" not in inp:
        return np.arange(seq)
    return np.asarray(inp["positions"]).reshape(-1, seq)[row]


def mla64(inp: dict) -> np.ndarray:
    x = f64(inp["x"])
    lead, (seq, _) = x.shape[:-2], x.shape[-2:]
    H, dh, dr = inp["num_heads"], inp["d_head"], inp["d_rope"]
    W = {k.removesuffix(".weight"): f64(v) for k, v in inp["weights"].items()}
    xs = x.reshape(-1, seq, x.shape[-1])
    out = np.zeros((xs.shape[0], seq, W["w_o"].shape[0]))
    for b in range(xs.shape[0]):
        pos = _positions(inp, b, seq)
        c_kv = xs[b] @ W["w_dkv"].T  # (9)
        k_c, v_c = c_kv @ W["w_uk"].T, c_kv @ W["w_uv"].T  # (10), (11)
        c_q = xs[b] @ W["w_dq"].T  # (12)
        q_c = c_q @ W["w_uq"].T  # (13)
        q_r = np.concatenate([rope_pairs64((c_q @ W["w_qr"].T)[:, i * dr:(i + 1) * dr], pos, inp["theta"])
                              for i in range(H)], axis=-1)  # (14)
        k_r = rope_pairs64(xs[b] @ W["w_kr"].T, pos, inp["theta"])  # (15)
        for t in range(seq):
            heads = []
            for i in range(H):
                q = np.concatenate([q_c[t, i * dh:(i + 1) * dh], q_r[t, i * dr:(i + 1) * dr]])  # (16)
                scores = np.array([q @ np.concatenate([k_c[j, i * dh:(i + 1) * dh], k_r[j]])  # (17)
                                   for j in range(t + 1)]) / np.sqrt(dh + dr)
                p = np.exp(scores - scores.max())
                heads.append((p / p.sum()) @ v_c[:t + 1, i * dh:(i + 1) * dh])  # (18)
            out[b, t] = W["w_o"] @ np.concatenate(heads)  # (19)
    return out.reshape(*lead, seq, -1)


def expect_forward(inp: dict) -> np.ndarray:
    return mla64(inp).astype(np.float32)


def expect_cached(inp: dict) -> dict:
    """The cache's content after a prefill, eqs. (9) and (15): c_KV and k_R with a heads dim of 1."""
    x = f64(inp["x"])
    seq = x.shape[-2]
    c_kv = x @ f64(inp["weights"]["w_dkv.weight"]).T
    k_r = rope_pairs64(x @ f64(inp["weights"]["w_kr.weight"]).T, np.arange(seq), inp["theta"])
    return {"latent": c_kv[..., None, :, :].astype(np.float32), "rope_key": k_r[..., None, :, :].astype(np.float32)}


def expect_state_dict(inp: dict) -> dict:
    keys = sorted(f"{n}.weight" for n in SHAPES)
    return {"keys": keys, "shapes": [list(SHAPES[k.removesuffix(".weight")](inp)) for k in keys]}
