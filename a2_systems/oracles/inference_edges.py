"""Expected values of the hidden inference edge cases' own oracles (instructor-only), for
a2_systems/hidden/inference_edges.py: the first new token's distribution p(x1 | prompt) (float64 numpy on the
stand-in target), and no token and no model call when max_new_tokens = 0."""

import numpy as np

from a2_systems.oracles.inference_speculative import next_probs


def expect_first_token(inp: dict) -> np.ndarray:
    return next_probs(inp["A"], inp["B"], inp["prompt"], inp["temperature"])


def expect_zero_tokens(inp: dict) -> dict:
    return {"tokens": [], "calls": [0, 0]}
