"""Edge cases graded only at hidden seeds, each within what the handout pins down: a batch of one, an empty
response, 3-D tensors for the masked reductions and entropy, group size 1 without std normalisation, a
non-default normalize_constant in SFT, cliprange 0."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases import log_probs, losses, masked, rewards, steps, tokenization
from a5_alignment.cases.tensors import random_mask
from shared.cases import Case, Oracles, Suite, close, exact
from shared.cases.tensors import randn

# expected values: those of the visible cases these reuse, by reference (instructor-only, never imported)
TOKENIZATION_ORACLES = Oracles("a5_alignment.oracles.tokenization")
LOG_PROBS_ORACLES = Oracles("a5_alignment.oracles.log_probs")
MASKED_ORACLES = Oracles("a5_alignment.oracles.masked")
REWARDS_ORACLES = Oracles("a5_alignment.oracles.rewards")
LOSSES_ORACLES = Oracles("a5_alignment.oracles.losses")
STEPS_ORACLES = Oracles("a5_alignment.oracles.steps")


def tokenize_batch_one_empty_output(rng: np.random.Generator) -> dict:
    return {"prompts": ["the cat", tokenization.random_text(rng, 1, 4)], "outputs": ["", " sat"]}


def masked_3d(rng: np.random.Generator) -> dict:
    shape = (2, 3, 4)
    m = random_mask(rng, shape)
    m[:, 0, :] = True
    return {"x": randn(rng, shape), "mask": m, "dim": 1, "c": 3.0}


def group_size_one(rng: np.random.Generator) -> dict:
    return {"rewards": [float(x) for x in rng.uniform(0, 1, 4)], "group_size": 1, "eps": 1e-6,
            "normalize": False}


def clip_zero(rng: np.random.Generator) -> dict:
    inp = losses.pg_inputs(rng)
    inp["clip"] = 0.0
    return inp


SUITE = Suite(cases=(
    Case(name="tokenize/edge_empty_output", inputs=tokenize_batch_one_empty_output, compare=exact(),
         run=tokenization.run_tokenize, expect=TOKENIZATION_ORACLES.expect_numpy,
         note="an empty response: its row has no response token"),
    Case(name="entropy/edge_4d", inputs=lambda rng: {"logits": randn(rng, (2, 2, 3, 7), scale=2.0)},
         compare=log_probs.ENTROPY_CLOSE, run=log_probs.run_entropy, expect=LOG_PROBS_ORACLES.expect_categorical,
         note="any leading dims"),
    Case(name="masked_mean/edge_3d_dim1", inputs=masked_3d, compare=close(rtol=1e-5, atol=1e-6),
         run=masked.run_mean, expect=MASKED_ORACLES.expect_mean, note="3-D tensor, dim=1"),
    Case(name="masked_normalize/edge_3d_dim1", inputs=masked_3d, compare=close(rtol=1e-5, atol=1e-6),
         run=masked.run_normalize, expect=MASKED_ORACLES.expect_normalize, note="3-D tensor, dim=1"),
    Case(name="group_rewards/edge_group_size_1", inputs=group_size_one,
         compare=close(atol=1e-6), run=rewards.run_group, expect=REWARDS_ORACLES.expect_group,
         note="group size 1 without std: every advantage is 0"),
    Case(name="pg_loss/edge_cliprange_0", inputs=clip_zero, compare=close(rtol=1e-5, atol=1e-6),
         run=losses.run_clip, expect=LOSSES_ORACLES.clip_oracle, note="cliprange 0: the clipped ratio is 1"),
    Case(name="sft_step/edge_k1", inputs=lambda rng: {**steps.sft_inputs(rng), "k": 1},
         compare=steps.STEP_CLOSE, run=steps.run_sft, expect=STEPS_ORACLES.expect_sft,
         note="gradient_accumulation_steps = 1"),
    Case(name="grpo_step/edge_single_row",
         inputs=lambda rng: {**steps.grpo_inputs("grpo_clip")(rng), "k": 3}, compare=steps.STEP_CLOSE,
         run=steps.run_grpo, expect=STEPS_ORACLES.expect_grpo, note="grpo_clip with k = 3"),
))
