"""Hidden-only edge cases of the optional PPO units, each within what HANDOUT §10 pins down: NaN values outside
the response, one-token responses, responses that fill the whole row, a row without a response in the reward
shaping, cliprange_value 0, one microbatch (k = 1)."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases import gae, ppo
from shared.cases import Case, Oracles, Suite, close

# expected values: those of the visible cases these reuse, by reference (instructor-only, never imported)
GAE_ORACLES = Oracles("a5_alignment.oracles.gae")
PPO_ORACLES = Oracles("a5_alignment.oracles.ppo")


def nan_outside(rng: np.random.Generator) -> dict:
    inp = gae.gae_inputs(rng)
    inp["values"] = np.where(inp["mask"], inp["values"], np.nan).astype(np.float32)
    inp["rewards"] = np.where(inp["mask"], inp["rewards"], np.inf).astype(np.float32)
    return inp


# subtle: these two draw rewards and values for their own mask (gae.gae_fill). Swapping the mask of a drawn
# instance moved its ~1e3 prompt/pad values into the response, where R = A + V is a float32 difference of
# numbers ~1e3 (error ~6e-5) and failed GAE_CLOSE on about 3% of draws.
def one_token(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    m = np.zeros((b, t), dtype=bool)
    m[np.arange(b), rng.integers(0, t, size=b)] = True
    return gae.gae_fill(rng, m)


def full_rows(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    return gae.gae_fill(rng, np.ones((b, t), dtype=bool))


def empty_row(rng: np.random.Generator) -> dict:
    inp = gae.shape_inputs(rng)
    inp["mask"][0] = False
    return inp


def clip_v_zero(rng: np.random.Generator) -> dict:
    return {**ppo.value_inputs(rng), "c": 0.0}


SUITE = Suite(cases=(
    Case(name="gae/edge_nan_outside_response", inputs=nan_outside, compare=gae.GAE_CLOSE,
         run=gae.run_gae, expect=GAE_ORACLES.gae_loop,
         note="NaN values and inf rewards outside the mask never leak in"),
    Case(name="gae/edge_one_token_responses", inputs=one_token, compare=gae.GAE_CLOSE, run=gae.run_gae,
         expect=GAE_ORACLES.gae_loop, note="a one-token response: A = r - V"),
    Case(name="gae/edge_full_rows", inputs=full_rows, compare=gae.GAE_CLOSE, run=gae.run_gae,
         expect=GAE_ORACLES.gae_loop, note="responses from the first to the last column"),
    Case(name="shape_rewards/edge_empty_response", inputs=empty_row, compare=close(),
         run=gae.run_shape, expect=GAE_ORACLES.expect_shape, note="a row without response tokens gets zeros"),
    Case(name="value_loss/edge_cliprange_0", inputs=clip_v_zero,
         compare=close(rtol=1e-5, atol=1e-6), run=ppo.run_value_loss, expect=PPO_ORACLES.expect_value_loss,
         note="cliprange_value 0: V_clip is the old value"),
    Case(name="ppo_step/edge_k1", inputs=lambda rng: {**ppo.step_inputs(False)(rng), "k": 1},
         compare=ppo.STEP_CLOSE, run=ppo.run_step, expect=PPO_ORACLES.expect_step,
         note="gradient_accumulation_steps = 1"),
))
