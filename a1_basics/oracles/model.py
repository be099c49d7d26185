"""Expected values of the cases of a1.mhsa, a1.gqa, a1.block and a1.lm (cases/model.py, and those of
cases/kv_cache.py, hidden/model_edges.py and cases/accounting.py that reuse the naive model). Instructor-only: no
release ships this module, and nothing the worker imports imports it.

The oracle is a naive float64 forward written here from torch.nn.functional pieces (linear, rms_norm, silu,
embedding, scaled_dot_product_attention with is_causal=True) and a complex-number RoPE, loading the same weights
by their CS336 state-dict names; it shares no code with the reference.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# ---- the naive float64 oracle (grader side, build time) ----


def _t64(a: np.ndarray) -> Any:
    import torch

    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def naive_rope(x: Any, positions: Any, theta: float) -> Any:
    """x (..., seq, d) with pairs (x[2k], x[2k+1]) read as complex numbers times exp(i m theta^(-2k/d))."""
    import torch

    d = x.shape[-1]
    z = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2).contiguous())
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = positions.to(torch.float64)[..., None] * freqs  # (..., seq, d/2)
    return torch.view_as_real(z * torch.polar(torch.ones_like(angle), angle)).reshape(x.shape)


def naive_attention(x: Any, w: dict, prefix: str, num_heads: int, num_kv_heads: int, theta: float | None,
                    positions: Any = None, flops_exact: bool = False) -> Any:
    """x (..., seq, d) float64 -> (..., seq, d). `flops_exact` spells attention as two matmuls (for the FLOP
    counter); otherwise torch's fused causal attention."""
    import torch
    import torch.nn.functional as F

    seq, d = x.shape[-2], x.shape[-1]
    d_head = d // num_heads

    def heads(name: str, n: int) -> Any:
        return F.linear(x, w[prefix + name]).reshape(*x.shape[:-1], n, d_head).transpose(-3, -2)

    q, k, v = heads("q_proj.weight", num_heads), heads("k_proj.weight", num_kv_heads), heads("v_proj.weight",
                                                                                               num_kv_heads)
    if theta is not None:
        pos = torch.arange(seq) if positions is None else positions
        pos = pos[..., None, :]  # broadcast over heads
        q, k = naive_rope(q, pos, theta), naive_rope(k, pos, theta)
    group = num_heads // num_kv_heads
    k, v = k.repeat_interleave(group, dim=-3), v.repeat_interleave(group, dim=-3)
    if flops_exact:
        scores = (q @ k.transpose(-2, -1)) / d_head**0.5
        scores = scores.masked_fill(~torch.ones(seq, seq, dtype=torch.bool).tril(), float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
    else:
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return F.linear(out.transpose(-3, -2).reshape(*x.shape[:-1], d), w[prefix + "output_proj.weight"])


def naive_block(x: Any, w: dict, prefix: str, cfg: dict, flops_exact: bool = False) -> Any:
    import torch.nn.functional as F

    d, eps = x.shape[-1], cfg.get("eps", 1e-5)
    h = x + naive_attention(F.rms_norm(x, (d,), w[prefix + "ln1.weight"], eps), w, prefix + "attn.",
                            cfg["num_heads"], cfg["num_kv_heads"], cfg["theta"], flops_exact=flops_exact)
    g = F.rms_norm(h, (d,), w[prefix + "ln2.weight"], eps)
    ffn = F.linear(F.silu(F.linear(g, w[prefix + "ffn.w1.weight"])) * F.linear(g, w[prefix + "ffn.w3.weight"]),
                   w[prefix + "ffn.w2.weight"])
    return h + ffn


def naive_lm(ids: Any, w: dict, cfg: dict, flops_exact: bool = False) -> Any:
    import torch.nn.functional as F

    x = F.embedding(ids, w["token_embeddings.weight"])
    block_cfg = {**cfg, "theta": cfg["rope_theta"]}
    for i in range(cfg["num_layers"]):
        x = naive_block(x, w, f"layers.{i}.", block_cfg, flops_exact)
    x = F.rms_norm(x, (cfg["d_model"],), w["ln_final.weight"], 1e-5)
    head = w["token_embeddings.weight"] if cfg.get("tie_embeddings") else w["lm_head.weight"]
    return F.linear(x, head)


def weights64(inp: dict) -> dict:
    return {k: _t64(v) for k, v in inp["weights"].items()}


def lm_shapes(cfg: dict) -> dict[str, tuple[int, ...]]:
    """name -> shape of every distinct parameter of a TransformerLM (the tied head is not repeated)."""
    d, f, v = cfg["d_model"], cfg["d_ff"], cfg["vocab_size"]
    kv = cfg["num_heads"] if cfg.get("num_kv_heads") is None else cfg["num_kv_heads"]
    d_kv = kv * d // cfg["num_heads"]
    shapes = {"token_embeddings.weight": (v, d), "ln_final.weight": (d,)}
    for i in range(cfg["num_layers"]):
        p = f"layers.{i}."
        shapes.update({p + "attn.q_proj.weight": (d, d), p + "attn.k_proj.weight": (d_kv, d),
                       p + "attn.v_proj.weight": (d_kv, d), p + "attn.output_proj.weight": (d, d),
                       p + "ln1.weight": (d,), p + "ln2.weight": (d,), p + "ffn.w1.weight": (f, d),
                       p + "ffn.w2.weight": (d, f), p + "ffn.w3.weight": (f, d)})
    if not cfg.get("tie_embeddings"):
        shapes["lm_head.weight"] = (v, d)
    return shapes


# ---- attention (a1.mhsa, a1.gqa) ----

def expect_mhsa(inp: dict) -> np.ndarray:
    kv = inp["num_heads"] if inp["num_kv_heads"] is None else inp["num_kv_heads"]
    pos = _t64(inp["positions"]).long() if "positions" in inp else None
    out = naive_attention(_t64(inp["x"]), weights64(inp), "", inp["num_heads"], kv, inp.get("theta"), pos)
    return out.numpy().astype(np.float32)


def expect_mhsa_state_dict(inp: dict) -> dict:
    keys = sorted(inp["weights"])
    return {"keys": keys, "shapes": [list(inp["weights"][k].shape) for k in keys]}


# ---- block and LM ----

def expect_block(inp: dict) -> np.ndarray:
    return naive_block(_t64(inp["x"]), weights64(inp), "", inp["cfg"]).numpy().astype(np.float32)


def expect_lm(inp: dict) -> np.ndarray:
    import torch

    return naive_lm(torch.from_numpy(inp["ids"]), weights64(inp), inp["cfg"]).numpy().astype(np.float32)


def expect_lm_tied(inp: dict) -> dict:
    n = sum(int(np.prod(s)) for s in lm_shapes(inp["cfg"]).values())
    return {"logits": expect_lm(inp), "num_parameters": n}


def expect_lm_state_dict(inp: dict) -> dict:
    keys = sorted(inp["weights"])
    return {"keys": keys, "shapes": [list(inp["weights"][k].shape) for k in keys]}
