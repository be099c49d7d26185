"""What GRPO and PPO share (HANDOUT.md §8.4, §10.5): the settings that must match for a comparison at equal
compute, drawing one batch of rollouts, the optimizer steps taken over it, held-out evaluation and the budgets.
Each method's own loop (its advantages and loss) stays in its script."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from a5_alignment.experiments.batching import chunks
from a5_alignment.experiments.evaluation import evaluate
from a5_alignment.experiments.rollouts import Rollouts, rollout
from a5_alignment.experiments.setup import RunConfig
from a5_alignment.infra.sampler import SamplingParams
from a5_alignment.infra.tasks import Problem
from shared.run_log import RunLog


@dataclass
class RLConfig(RunConfig):
    """The fields GRPO and PPO both have (RunConfig's and these); experiments/ppo_vs_grpo.py copies all of them
    (but out_dir) from the GRPO anchor to PPO."""

    lr: float = field(default=1e-4, metadata={"help": "peak learning rate (cosine to lr/10)"})
    warmup: int = field(default=0, metadata={"help": "warm-up steps"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    rollout_batch_size: int = field(default=256, metadata={"help": "rollouts per step (prompts x group_size)"})
    group_size: int = field(default=8, metadata={"help": "rollouts per prompt"})
    temperature: float = field(default=1.0, metadata={"help": "rollout sampling temperature"})
    top_p: float = field(default=1.0, metadata={"help": "rollout nucleus mass"})
    epochs_per_rollout_batch: int = field(default=1, metadata={"help": "1 = on-policy; >1 reuses rollouts"})
    train_batch_size: int = field(default=128, metadata={"help": "rollouts per optimizer step"})
    grad_accum: int = field(default=2, metadata={"help": "microbatches per optimizer step"})
    cliprange: float = field(default=0.2, metadata={"help": "policy ratio clip range (GRPO-clip, PPO)"})
    eval_every: int = field(default=40, metadata={"help": "evaluate every this many steps"})

    def check_batches(self) -> None:
        if self.rollout_batch_size % self.group_size or self.train_batch_size % self.grad_accum:
            raise ValueError("rollout_batch_size must be a multiple of group_size and train_batch_size of "
                             "grad_accum")
        if self.rollout_batch_size % self.train_batch_size:
            raise ValueError("rollout_batch_size must be a multiple of train_batch_size")

    def optimizer_steps_per_batch(self) -> int:
        return self.epochs_per_rollout_batch * (self.rollout_batch_size // self.train_batch_size)


def draw_rollouts(c: RLConfig, model: Any, tokenizer: Any, train: list[Problem], rng: np.random.Generator,
                  step: int) -> Rollouts:
    """Step `step`'s batch: rollout_batch_size / group_size distinct training questions, group_size samples each."""
    qs = [train[i] for i in rng.choice(len(train), size=c.rollout_batch_size // c.group_size, replace=False)]
    params = SamplingParams(c.temperature, c.top_p, c.max_new_tokens, ("</answer>",), seed=c.seed * 1_000_003 + step)
    return rollout(model, tokenizer, qs, c.group_size, c.template, params, batch_size=c.rollout_batch_size)


def minibatches(c: RLConfig, rng: np.random.Generator, n: int) -> Iterator[list[torch.Tensor]]:
    """For each optimizer step over one batch of n rollouts (epochs_per_rollout_batch passes, each in a fresh
    random order), the row indices of its grad_accum microbatches."""
    micro = c.train_batch_size // c.grad_accum
    for _ in range(c.epochs_per_rollout_batch):
        order = torch.from_numpy(rng.permutation(n))
        for tb in chunks(n, c.train_batch_size):
            yield [order[tb][mb] for mb in chunks(tb.stop - tb.start, micro)]


def held_out_eval(c: RLConfig, model: Any, tokenizer: Any, test: list[Problem], log: RunLog, step: int) -> dict:
    """Greedy accuracy and format rate on the held-out problems, logged at `step`."""
    r = evaluate(model, tokenizer, test, c.template, c.max_new_tokens)
    log.log(step, eval_accuracy=r.accuracy, eval_format_rate=r.format_rate, samples=r.samples)
    return r.summary()

