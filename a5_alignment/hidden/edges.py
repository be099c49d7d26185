"""Edge cases graded only at hidden seeds, each within what the handout pins down: a batch of one, an empty
response, 3-D tensors for the masked reductions and entropy, group size 1 without std normalisation, a
non-default normalize_constant in SFT, cliprange 0."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases import log_probs, losses, masked, rewards, steps, tokenization
from a5_alignment.cases.tensors import randn, random_mask
from shared.cases import Case, Suite, close, exact


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
    Case("tokenize/edge_empty_output", "a5.tokenize", tokenize_batch_one_empty_output, exact(),
         tokenization.run_tokenize, tokenization.expect_numpy, seeds=(), hidden_draws=1,
         note="an empty response: its row has no response token"),
    Case("entropy/edge_4d", "a5.entropy", lambda rng: {"logits": randn(rng, (2, 2, 3, 7), scale=2.0)},
         log_probs.ENTROPY_CLOSE, log_probs.run_entropy, log_probs.expect_categorical, seeds=(), hidden_draws=1,
         note="any leading dims"),
    Case("masked_mean/edge_3d_dim1", "a5.masked", masked_3d, close(rtol=1e-5, atol=1e-6), masked.run_mean,
         masked.expect_mean, seeds=(), hidden_draws=1, note="3-D tensor, dim=1"),
    Case("masked_normalize/edge_3d_dim1", "a5.masked", masked_3d, close(rtol=1e-5, atol=1e-6),
         masked.run_normalize, masked.expect_normalize, seeds=(), hidden_draws=1, note="3-D tensor, dim=1"),
    Case("group_rewards/edge_group_size_1", "a5.group_rewards", group_size_one, close(atol=1e-6),
         rewards.run_group, rewards.expect_group, seeds=(), hidden_draws=1,
         note="group size 1 without std: every advantage is 0"),
    Case("pg_loss/edge_cliprange_0", "a5.pg_losses", clip_zero, close(rtol=1e-5, atol=1e-6), losses.run_clip,
         losses.clip_oracle, seeds=(), hidden_draws=1, note="cliprange 0: the clipped ratio is 1"),
    Case("sft_step/edge_k1", "a5.sft_step",
         lambda rng: {**steps.sft_inputs(rng), "k": 1}, steps.STEP_CLOSE, steps.run_sft, steps.expect_sft,
         seeds=(), hidden_draws=1, note="gradient_accumulation_steps = 1"),
    Case("grpo_step/edge_single_row", "a5.grpo_step",
         lambda rng: {**steps.grpo_inputs("grpo_clip")(rng), "k": 3}, steps.STEP_CLOSE, steps.run_grpo,
         steps.expect_grpo, seeds=(), hidden_draws=1, note="grpo_clip with k = 3"),
))
