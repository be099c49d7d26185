"""CS336-compatible adapters: finished glue with the names and signatures of CS336's a5 tests/adapters.py.

Each function calls this package's implementation, so CS336's own tests run against it when their
adapters.py re-exports these names. Imports are lazy, so a broken file fails only the adapters that use it.
The tokenizer and models CS336's tests pass are transformers objects: `get_response_log_probs` and the DPO loss
accept a model output with `.logits`, and the tokenizer needs `encode` and `pad_token_id` (HANDOUT §2.1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import torch
from torch import Tensor


def run_tokenize_prompt_and_output(prompt_strs: list[str], output_strs: list[str],
                                   tokenizer: Any) -> dict[str, Tensor]:
    """-> {input_ids, labels, response_mask}, each (batch, max_len - 1)."""
    from a5_alignment.tokenization import tokenize_prompt_and_output

    return tokenize_prompt_and_output(prompt_strs, output_strs, tokenizer)


def run_compute_entropy(logits: Tensor) -> Tensor:
    """logits (..., vocab) -> entropy (...)."""
    from a5_alignment.log_probs import compute_entropy

    return compute_entropy(logits)


def run_get_response_log_probs(model: torch.nn.Module, input_ids: Tensor, labels: Tensor,
                               return_token_entropy: bool = False) -> dict[str, Tensor]:
    """-> {"log_probs": (batch, seq)} (+ "token_entropy")."""
    from a5_alignment.log_probs import get_response_log_probs

    return get_response_log_probs(model, input_ids, labels, return_token_entropy)


def run_masked_normalize(tensor: Tensor, mask: Tensor, dim: int | None = None,
                         normalize_constant: float = 1.0) -> Tensor:
    from a5_alignment.masked import masked_normalize

    return masked_normalize(tensor, mask, dim, normalize_constant)


def run_sft_microbatch_train_step(policy_log_probs: Tensor, response_mask: Tensor, gradient_accumulation_steps: int,
                                  normalize_constant: float | None = 1.0) -> tuple[Tensor, dict[str, Tensor]]:
    from a5_alignment.sft_step import sft_microbatch_train_step

    c = 1.0 if normalize_constant is None else normalize_constant
    return sft_microbatch_train_step(policy_log_probs, response_mask, gradient_accumulation_steps, c)


def run_compute_group_normalized_rewards(reward_fn: Callable[[str, str], dict[str, float]],
                                         rollout_responses: list[str], repeated_ground_truths: list[str],
                                         group_size: int, advantage_eps: float,
                                         normalize_by_std: bool) -> tuple[Tensor, Tensor, dict[str, float]]:
    from a5_alignment.advantages import compute_group_normalized_rewards

    return compute_group_normalized_rewards(reward_fn, rollout_responses, repeated_ground_truths, group_size,
                                            advantage_eps, normalize_by_std)


def run_compute_naive_policy_gradient_loss(raw_rewards_or_advantages: Tensor, policy_log_probs: Tensor) -> Tensor:
    from a5_alignment.pg_losses import compute_naive_policy_gradient_loss

    return compute_naive_policy_gradient_loss(raw_rewards_or_advantages, policy_log_probs)


def run_compute_grpo_clip_loss(advantages: Tensor, policy_log_probs: Tensor, old_log_probs: Tensor,
                               cliprange: float) -> tuple[Tensor, dict[str, Tensor]]:
    from a5_alignment.pg_losses import compute_grpo_clip_loss

    return compute_grpo_clip_loss(advantages, policy_log_probs, old_log_probs, cliprange)


def run_compute_policy_gradient_loss(policy_log_probs: Tensor,
                                     loss_type: Literal["no_baseline", "reinforce_with_baseline", "grpo_clip"],
                                     raw_rewards: Tensor | None = None, advantages: Tensor | None = None,
                                     old_log_probs: Tensor | None = None,
                                     cliprange: float | None = None) -> tuple[Tensor, dict[str, Tensor]]:
    from a5_alignment.pg_losses import compute_policy_gradient_loss

    return compute_policy_gradient_loss(policy_log_probs, loss_type, raw_rewards, advantages, old_log_probs,
                                        cliprange)


def run_masked_mean(tensor: Tensor, mask: Tensor, dim: int | None = None) -> Tensor:
    from a5_alignment.masked import masked_mean

    return masked_mean(tensor, mask, dim)


def run_grpo_microbatch_train_step(policy_log_probs: Tensor, response_mask: Tensor, gradient_accumulation_steps: int,
                                   loss_type: Literal["no_baseline", "reinforce_with_baseline", "grpo_clip"],
                                   raw_rewards: Tensor | None = None, advantages: Tensor | None = None,
                                   old_log_probs: Tensor | None = None,
                                   cliprange: float | None = None) -> tuple[Tensor, dict[str, Tensor]]:
    from a5_alignment.pg_losses import grpo_microbatch_train_step

    return grpo_microbatch_train_step(policy_log_probs, response_mask, gradient_accumulation_steps, loss_type,
                                      raw_rewards, advantages, old_log_probs, cliprange)


def run_compute_per_instance_dpo_loss(lm: torch.nn.Module, lm_ref: torch.nn.Module, tokenizer: Any, beta: float,
                                      prompt: str, response_chosen: str, response_rejected: str) -> Tensor:
    """With the template, EOS and tokenisation pinned in HANDOUT §5 (CS336's own expected value assumed an
    unstated template, so it is not comparable)."""
    from a5_alignment.dpo import per_instance_dpo_loss

    return per_instance_dpo_loss(lm, lm_ref, tokenizer, beta, prompt, response_chosen, response_rejected)


def run_parse_mmlu_response(mmlu_example: dict[str, Any], model_output: str) -> str | None:
    """The letter of "The correct answer is X" ("A".."D"), or None (HANDOUT §11.1)."""
    from a5_alignment.answer_parsing import parse_mmlu_response

    return parse_mmlu_response(mmlu_example, model_output)


def run_parse_gsm8k_response(model_output: str) -> str | None:
    """The last number in a free-form GSM8K-style answer, without commas, or None (HANDOUT §11.1)."""
    from a5_alignment.answer_parsing import parse_gsm8k_response

    return parse_gsm8k_response(model_output)


def get_packed_sft_dataset(tokenizer: Any, dataset_path: str, seq_length: int, shuffle: bool) -> Any:
    """A torch Dataset of packed {input_ids, labels} examples of length seq_length (HANDOUT §3.2)."""
    from a5_alignment.infra.packing import PackedSFTDataset

    return PackedSFTDataset(tokenizer, dataset_path, seq_length, shuffle)


def run_iterate_batches(dataset: Any, batch_size: int, shuffle: bool) -> Any:
    """Batches of stacked examples from a packed dataset."""
    from a5_alignment.infra.packing import iterate_batches

    return iterate_batches(dataset, batch_size, shuffle)


# Optional PPO units (HANDOUT §10). CS336's a5 has no PPO tests; these follow the same run_* convention.

def run_shape_rewards(scores: Tensor, response_mask: Tensor, policy_log_probs: Tensor | None = None,
                      ref_log_probs: Tensor | None = None, kl_coef: float = 0.0) -> Tensor:
    """-> per-token rewards (batch, seq): KL penalty on the response, the score on its last token."""
    from a5_alignment.gae import shape_rewards

    return shape_rewards(scores, response_mask, policy_log_probs, ref_log_probs, kl_coef)


def run_compute_gae(rewards: Tensor, values: Tensor, response_mask: Tensor, gamma: float,
                    lam: float) -> tuple[Tensor, Tensor]:
    """-> (advantages, returns), each (batch, seq), 0 outside the response."""
    from a5_alignment.gae import compute_gae

    return compute_gae(rewards, values, response_mask, gamma, lam)


def run_compute_value_loss(values: Tensor, old_values: Tensor, returns: Tensor, response_mask: Tensor,
                           cliprange_value: float) -> Tensor:
    """-> the clipped value loss (a scalar)."""
    from a5_alignment.ppo_losses import compute_value_loss

    return compute_value_loss(values, old_values, returns, response_mask, cliprange_value)[0]


def run_ppo_microbatch_train_step(policy_log_probs: Tensor, values: Tensor, response_mask: Tensor,
                                  old_log_probs: Tensor, old_values: Tensor, advantages: Tensor, returns: Tensor,
                                  gradient_accumulation_steps: int, cliprange: float, cliprange_value: float,
                                  vf_coef: float, token_entropy: Tensor | None = None,
                                  ent_coef: float = 0.0) -> tuple[Tensor, dict[str, Tensor]]:
    from a5_alignment.ppo_losses import ppo_microbatch_train_step

    return ppo_microbatch_train_step(policy_log_probs, values, response_mask, old_log_probs, old_values,
                                     advantages, returns, gradient_accumulation_steps, cliprange, cliprange_value,
                                     vf_coef, token_entropy, ent_coef)
