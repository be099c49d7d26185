"""What every experiment shares: the policy to start from, the train/test problems, the optimizer, threads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch

from a1_basics.optim.schedule import lr_cosine_schedule
from a5_alignment.infra.models import load_policy, new_tiny_model, tiny_config
from a5_alignment.infra.tasks import Problem, generate


@dataclass
class RunConfig:
    """The fields every training experiment has (SFT, expert iteration, DPO, GRPO, PPO): what to start from,
    where to write, the tasks, the sampling budget, the run budgets and the seed. Each script's config extends it
    (and sets its own out_dir default)."""

    policy: str = field(default="tiny", metadata={"help": "tiny or smollm2"})
    init_checkpoint: str = field(default="", metadata={
        "help": "policy to start from ('' = a fresh tiny model, or SmolLM2 as it ships)"})
    out_dir: str = field(default="out/a5/run", metadata={"help": "log.json, curves.png and policy.pt go here"})
    families: str = field(default="add", metadata={"help": "task families, comma-separated (add,addsub,mul,word)"})
    max_value: int = field(default=99, metadata={"help": "largest operand"})
    template: str = field(default="short", metadata={"help": "prompt template: short, r1_zero or smol_chat"})
    n_train: int = field(default=5000, metadata={"help": "distinct training problems"})
    n_test: int = field(default=400, metadata={"help": "held-out problems"})
    max_new_tokens: int = field(default=40, metadata={"help": "sampling and evaluation budget per completion"})
    time_budget_s: float = field(default=0.0, metadata={"help": "stop after this many wall seconds (0 = none)"})
    cpu_budget_s: float = field(default=0.0, metadata={
        "help": "stop after this many CPU seconds of this process, evaluations included (0 = none): the budget "
                "a busy machine cannot shrink"})
    seed: int = field(default=0, metadata={"help": "seed of data order, sampling and initialisation"})
    threads: int = field(default=1, metadata={"help": "torch threads (0 = torch default; 1 suits a shared CPU)"})


def start_policy(policy: str, checkpoint: str | None, seed: int = 0) -> tuple[Any, Any]:
    """The tiny model from a checkpoint (or freshly initialised when checkpoint is empty), or SmolLM2."""
    from a5_alignment.infra.char_tokenizer import CharTokenizer

    if policy == "tiny" and not checkpoint:
        return new_tiny_model(tiny_config(), seed), CharTokenizer()
    return load_policy(policy, checkpoint or None)


def problems(families: str, max_value: int, n_train: int, n_test: int, seed: int) -> tuple[list[Problem],
                                                                                          list[Problem]]:
    fams = tuple(f.strip() for f in families.split(",") if f.strip())
    # subtle: the test set's seed is fixed (not the run's seed), so every method is scored on the same problems
    return generate(n_train, "train", fams, max_value, seed), generate(n_test, "test", fams, max_value, 1234)


def set_threads(threads: int) -> None:
    if threads > 0:
        torch.set_num_threads(threads)


def make_optimizer(model: Any, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay, betas=(0.9, 0.95))


def optimizer_step(opt: torch.optim.Optimizer, params: Any, max_norm: float = 1.0) -> float:
    """Clip the gradient norm to max_norm, step, zero the gradients; returns the norm before clipping."""
    norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    opt.step()
    opt.zero_grad(set_to_none=True)
    return norm


def set_lr(opt: torch.optim.Optimizer, step: int, lr: float, total: int, warmup: int) -> float:
    """a1's cosine schedule with warm-up, decaying to lr / 10 at the last step."""
    value = lr_cosine_schedule(step, lr, lr / 10, min(warmup, max(total - 1, 0)), max(total, 1))
    for g in opt.param_groups:
        g["lr"] = value
    return value


def finite(x: float) -> float:
    return x if math.isfinite(x) else float("nan")
