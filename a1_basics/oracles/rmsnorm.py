"""Expected values of a1.rmsnorm's cases (instructor-only): the RMSNorm formula in float64 (float32 for float16
inputs), and the state-dict layout."""

import numpy as np

from shared.cases.tensors import f64


def expect_float64(inp: dict) -> np.ndarray:
    x = f64(inp["x"])
    rms = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + inp["eps"])
    return (x / rms * f64(inp["weight"])).astype(inp["x"].dtype)


def expect_float32_then_cast(inp: dict) -> np.ndarray:
    x = inp["x"].astype(np.float32)
    rms = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.float32(inp["eps"]))
    return (x / rms * inp["weight"].astype(np.float32)).astype(np.float16)


def expect_state_dict(inp: dict) -> dict:
    return {"keys": ["weight"], "shapes": [[inp["d"]]], "all_ones": [True]}
