"""Expected values of the tensor-parallel cases (instructor-only), for a2_systems/cases/tp.py and
hidden/tp_edges.py: the single-process float64 layer (plain torch.nn.functional matmuls and a hand-written causal
softmax attention, no reference code), its full output, dL/dx and every full weight's gradient for the upstream
gradient g of sum(y * g), returned in float32."""

import numpy as np
import torch
import torch.nn.functional as F

from a2_systems.cases.tp_drivers import _t


def expect_layer(inp: dict) -> dict:
    return oracle(inp)


def _attention(x: torch.Tensor, w_qkv: torch.Tensor, w_o: torch.Tensor, heads: int) -> torch.Tensor:
    b, s, d = x.shape
    q, k, v = (F.linear(x, w).reshape(b, s, heads, d // heads).transpose(1, 2) for w in w_qkv.chunk(3))
    scores = q @ k.transpose(-1, -2) / (d // heads) ** 0.5
    scores = scores.masked_fill(torch.ones(s, s, dtype=torch.bool).triu(1), float("-inf"))
    return F.linear((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, d), w_o)


def oracle(inputs: dict) -> dict:
    """The single-process float64 layer: full output, dL/dx of the full x and every full weight's gradient."""
    x = _t(inputs["x"], torch.float64).requires_grad_(True)
    w = {k: _t(v, torch.float64).requires_grad_(True) for k, v in inputs["weights"].items()}
    kind = inputs["layer"]
    if kind in ("column", "row"):
        y = F.linear(x, w["weight"])
    elif kind == "mlp":
        y = F.linear(F.silu(F.linear(x, w["w1"])) * F.linear(x, w["w3"]), w["w2"])
    else:
        y = _attention(x, w["w_qkv"], w["w_o"], inputs["num_heads"])
    (y * _t(inputs["g"], torch.float64)).sum().backward()

    def f32(t: torch.Tensor) -> np.ndarray:  # compared in float32, the ranks' dtype
        return t.detach().numpy().astype(np.float32)

    return {"y": f32(y), "x_grad": f32(x.grad), "grads": {k: f32(v.grad) for k, v in w.items()}}
