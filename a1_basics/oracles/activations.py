"""Expected values of a1.silu, a1.swiglu and a1.softmax's cases (instructor-only): torch's SiLU and softmax in
float64, SwiGLU as a float64 numpy formula, and SwiGLU's state-dict layout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases.tensors import f64


def torch_float64(fn_name: str, **kwargs: Any) -> Callable[[dict], np.ndarray]:
    """Oracle: torch's own `fn_name` applied in float64 to inp["x"], cast back to the input dtype."""

    def expect(inp: dict) -> np.ndarray:
        import torch
        import torch.nn.functional as F

        fn = {"silu": F.silu, "softmax": torch.softmax}[fn_name]
        extra = {k: inp[v] for k, v in kwargs.items()}
        return fn(torch.from_numpy(f64(inp["x"])), **extra).numpy().astype(inp["x"].dtype)

    return expect


def expect_swiglu(inp: dict) -> np.ndarray:
    x, w1, w2, w3 = (f64(inp[k]) for k in ("x", "w1", "w2", "w3"))
    a = x @ w1.T
    gate = a / (1.0 + np.exp(-a))
    return ((gate * (x @ w3.T)) @ w2.T).astype(np.float32)


def expect_swiglu_state_dict(inp: dict) -> dict:
    d_model, d_ff = inp["d_model"], inp["d_ff"]
    return {"keys": ["w1.weight", "w2.weight", "w3.weight"],
            "shapes": [[d_ff, d_model], [d_model, d_ff], [d_ff, d_model]]}
