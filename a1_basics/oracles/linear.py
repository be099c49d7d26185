"""Expected values of a1.linear's cases (instructor-only): x W^T in float64 and the state-dict layout."""

import numpy as np

from shared.cases.tensors import f64


def expect_forward(inp: dict) -> np.ndarray:
    return (f64(inp["x"]) @ f64(inp["weight"]).T).astype(np.float32)


def expect_state_dict(inp: dict) -> dict:
    return {"keys": ["weight"], "shapes": [[inp["d_out"], inp["d_in"]]], "dtypes": ["torch.float64"]}
