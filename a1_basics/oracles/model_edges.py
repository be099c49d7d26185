"""Expected values of hidden/model_edges.py's own edge cases (its other cases name the oracles of
oracles/model.py, oracles/training.py and oracles/decoding.py). Instructor-only: no release ships this module, and
nothing the worker imports imports it."""

from __future__ import annotations

import numpy as np

from a1_basics.oracles.decoding import top_p_oracle


def expect_tiny_top_p(inp: dict) -> np.ndarray:
    return top_p_oracle(inp["probs"], inp["p"]).astype(np.float32)


def expect_path(inp: dict) -> list:
    """The greedy path that decoding.lm_inputs drew with the inputs (only the tokens that fit the context)."""
    return list(inp["path"])
