"""Sampling a batch of rollouts and scoring them with the r1-zero reward: what GRPO, PPO and expert iteration
share (HANDOUT.md §8.4-§8.5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from a5_alignment.infra.sampler import SamplingParams, sample
from a5_alignment.infra.tasks import Problem, format_prompt
from a5_alignment.reward import r1_zero_reward_fn


@dataclass
class Rollouts:
    """One batch, grouped: rows i*G .. i*G+G-1 answer questions[i]."""

    prompts: list[str]
    responses: list[str]
    truths: list[str]
    rewards: np.ndarray  # (n,) r1-zero reward (format and answer)
    format_rewards: np.ndarray  # (n,)

    @property
    def mean_reward(self) -> float:
        return float(self.rewards.mean())

    @property
    def format_rate(self) -> float:
        return float(self.format_rewards.mean())


def rollout(model: Any, tokenizer: Any, questions: list[Problem], group_size: int, template: str,
            params: SamplingParams, batch_size: int = 256) -> Rollouts:
    """group_size sampled responses per question, stopped at "</answer>", each scored by r1_zero_reward_fn."""
    prompts = [format_prompt(q, template) for q in questions for _ in range(group_size)]
    truths = [q.answer for q in questions for _ in range(group_size)]
    responses = [r.text for r in sample(model, tokenizer, prompts, params, batch_size=batch_size)]
    scores = [r1_zero_reward_fn(r, t) for r, t in zip(responses, truths, strict=True)]
    return Rollouts(prompts, responses, truths, np.array([s["reward"] for s in scores], dtype=np.float64),
                    np.array([s["format_reward"] for s in scores], dtype=np.float64))
