"""Held-out evaluation: greedy completions scored by the r1-zero reward (accuracy and format rate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from a5_alignment.infra.sampler import SamplingParams, sample
from a5_alignment.infra.tasks import Problem, format_prompt
from a5_alignment.reward import r1_zero_reward_fn


@dataclass
class EvalResult:
    n: int
    accuracy: float  # fraction with answer_reward 1
    format_rate: float  # fraction with format_reward 1
    samples: list[dict] = field(default_factory=list)  # a few (question, response, truth, reward) for the log

    def summary(self) -> dict:
        return {"n": self.n, "accuracy": self.accuracy, "format_rate": self.format_rate}


def evaluate(model: Any, tokenizer: Any, problems: list[Problem], template: str, max_new_tokens: int,
             batch_size: int = 64, keep: int = 4, progress: bool = False) -> EvalResult:
    prompts = [format_prompt(p, template) for p in problems]
    params = SamplingParams(temperature=0.0, max_new_tokens=max_new_tokens)
    done = sample(model, tokenizer, prompts, params, batch_size=batch_size, progress=progress)
    rewards = [r1_zero_reward_fn(c.text, p.answer) for c, p in zip(done, problems, strict=True)]
    n = len(problems)
    samples = [{"question": p.question, "response": c.text, "truth": p.answer, "reward": r["reward"]}
               for p, c, r in list(zip(problems, done, rewards, strict=True))[:keep]]
    return EvalResult(n, sum(r["answer_reward"] for r in rewards) / n, sum(r["format_reward"] for r in rewards) / n,
                      samples)
