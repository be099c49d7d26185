"""Edge cases of the optional unit a1.moe, graded only at hidden seeds; each within what HANDOUT §10 pins down
(any leading dims, one token, float64 staying float64, top_k = 1 with a capacity, the worst-imbalance aux loss,
the constructor's ValueErrors)."""

from __future__ import annotations

import numpy as np

from a1_basics.cases import moe
from shared.cases import Case, Oracles, Suite, close, raises

# expected values: instructor-only, never released (this driver's own oracles, and those it shares with the cases)
ORACLES = Oracles("a1_basics.oracles.moe_edges")
MOE = Oracles("a1_basics.oracles.moe")


def bad_top_k_zero(rng: np.random.Generator) -> dict:
    return {"d_model": 8, "num_experts": int(rng.integers(2, 6)), "top_k": 0, "capacity_factor": None}


def bad_capacity(rng: np.random.Generator) -> dict:
    return {"d_model": 8, "num_experts": 4, "top_k": 2, "capacity_factor": float(-rng.integers(0, 3))}


SUITE = Suite(cases=(
    Case(name="moe/edge_leading_dims", inputs=moe.moe_inputs((2, 3, 4), 4, 2, 16, capacity_factor=1.25,
                                                           router_scale=3.0, need_drops=True),
         compare=moe.MOE_CLOSE, run=moe.run_forward, expect=MOE.expect_forward,
         note="x (2, 3, 4, d_model): 24 tokens share one capacity ceil(1.25 * 24 * 2 / 4) = 15, row-major order"),
    Case(name="moe/edge_one_token", inputs=moe.moe_inputs((1,), 4, 2, 16, capacity_factor=1.0),
         compare=moe.MOE_CLOSE, run=moe.run_forward, expect=MOE.expect_forward,
         note="a single token with capacity_factor 1.0: capacity ceil(0.5) = 1, so nothing is dropped"),
    Case(name="moe/edge_float64", inputs=moe.moe_inputs((2, 5), 4, 2, 16, dtype=np.float64),
         compare=close(rtol=1e-10, atol=1e-12), run=moe.run_forward, expect=MOE.expect_forward,
         note="a float64 module and input: the output (and the routing) stay float64"),
    Case(name="moe/edge_top1_capacity",
         inputs=moe.moe_inputs((12,), 3, 1, 16, capacity_factor=1.5, router_scale=3.0,
                                                            need_drops=True), compare=moe.MOE_CLOSE,
         run=moe.run_forward, expect=MOE.expect_forward,
         note="top_k 1 (every gate is 1) with capacity ceil(1.5 * 12 / 3) = 6"),
    Case(name="moe/edge_aux_loss_collapsed", inputs=moe.collapsed_router_inputs, compare=moe.AUX_CLOSE,
         run=moe.run_aux, expect=ORACLES.expect_aux_collapsed,
         note="every token routed to expert 0 with probability ~1: the aux loss is num_experts = 4"),
    Case(name="moe/edge_top_k_zero_raises", inputs=bad_top_k_zero, compare=raises(ValueError),
         run=moe.run_bad_config, note="top_k = 0: ValueError"),
    Case(name="moe/edge_capacity_not_positive_raises", inputs=bad_capacity, compare=raises(ValueError),
         run=moe.run_bad_config, note="capacity_factor <= 0: ValueError"),
))
