"""Expected values of hidden/moe_edges.py's own edge cases (its other cases name the oracles of oracles/moe.py).
Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations

import numpy as np

# collapsed_router_inputs (cases/moe.py): with top_k = 1 every token goes to expert 0 with probability 1 to within
# e^-40, so f_0 = P_0 = 1 and the aux loss is E * 1 * 1 = E = 4 (the worst imbalance).
COLLAPSED_AUX = 4.0


def expect_aux_collapsed(inp: dict) -> np.float64:
    return np.float64(COLLAPSED_AUX)
