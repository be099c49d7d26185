"""Expected values of a1.embedding's cases (instructor-only): rows of the weight by numpy indexing, and the
state-dict layout."""

import numpy as np


def expect_lookup(inp: dict) -> np.ndarray:
    return inp["weight"][inp["ids"]]


def expect_state_dict(inp: dict) -> dict:
    return {"keys": ["weight"], "shapes": [[inp["vocab"], inp["dim"]]], "dtypes": ["torch.float64"]}
