"""Expected values of the hidden edge cases' own (instructor-only): rows of the weight by numpy indexing."""

import numpy as np


def expect_lookup(inp: dict) -> np.ndarray:
    return inp["weight"][inp["ids"]]
