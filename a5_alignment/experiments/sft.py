"""Supervised fine-tuning on verified worked solutions (HANDOUT.md §8.2). For the tiny policy this trains the
model from scratch; for SmolLM2 it fine-tunes the instruct model.

    python -m a5_alignment.experiments.sft --preset tiny
    python -m a5_alignment.experiments.sft --preset tiny_full     # the tiny model of the reference results
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from a5_alignment.experiments.batching import response_log_probs
from a5_alignment.experiments.evaluation import evaluate
from a5_alignment.experiments.finish import finish_run
from a5_alignment.experiments.setup import (
    RunConfig,
    make_optimizer,
    optimizer_step,
    problems,
    set_lr,
    set_threads,
    start_policy,
)
from a5_alignment.infra.tasks import Problem, format_prompt, format_response, sloppy
from a5_alignment.sft_step import sft_microbatch_train_step
from shared.config_cli import parse_config, to_dict
from shared.run_log import RunLog


@dataclass
class SFTConfig(RunConfig):
    out_dir: str = field(default="out/a5/sft", metadata={"help": "log.json, curves.png and policy.pt go here"})
    demo_error_rate: float = field(default=0.0, metadata={
        "help": "fraction of demonstrations whose final result is off by one (an unverified, sloppy teacher)"})
    steps: int = field(default=1500, metadata={"help": "optimizer steps"})
    batch_size: int = field(default=64, metadata={"help": "sequences per microbatch"})
    grad_accum: int = field(default=1, metadata={"help": "microbatches per optimizer step"})
    lr: float = field(default=2e-3, metadata={"help": "peak learning rate (cosine to lr/10)"})
    warmup: int = field(default=50, metadata={"help": "warm-up steps"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    eval_every: int = field(default=250, metadata={"help": "evaluate every this many steps"})


PRESETS = {
    "tiny": SFTConfig(out_dir="out/a5/sft_tiny_quick", n_train=500, n_test=32, steps=20, eval_every=10,
                      batch_size=16, max_new_tokens=24),
    "tiny_full": SFTConfig(out_dir="out/a5/tiny/sft"),
    "smollm2": SFTConfig(policy="smollm2", out_dir="out/a5/smollm2/sft", template="smol_chat", n_train=2000,
                         n_test=100, steps=20, batch_size=4, grad_accum=2, lr=1e-5, warmup=2, eval_every=10,
                         max_new_tokens=96),
}


def sft_step_on(model, tokenizer, batch: list[Problem], template: str, grad_accum: int,
                demo_error_rate: float = 0.0) -> float:
    """One microbatch: loss per response token (normalize_constant = mean response length)."""
    prompts = [format_prompt(p, template) for p in batch]
    responses = [format_response(sloppy(p, demo_error_rate)) for p in batch]
    lp, mask = response_log_probs(model, tokenizer, prompts, responses)
    c = float(mask.sum()) / len(batch)
    loss, meta = sft_microbatch_train_step(lp, mask, grad_accum, normalize_constant=c)
    return float(meta["nll"])


def run(c: SFTConfig) -> dict:
    set_threads(c.threads)
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    model, tok = start_policy(c.policy, c.init_checkpoint, c.seed)
    train, test = problems(c.families, c.max_value, c.n_train, c.n_test, c.seed)
    log = RunLog(c.out_dir, "sft", to_dict(c))
    opt = make_optimizer(model, c.lr, c.weight_decay)

    def do_eval(step: int) -> dict:
        r = evaluate(model, tok, test, c.template, c.max_new_tokens)
        log.log(step, eval_accuracy=r.accuracy, eval_format_rate=r.format_rate, samples=r.samples)
        return r.summary()

    before = do_eval(0) if c.init_checkpoint else {"n": len(test), "accuracy": 0.0, "format_rate": 0.0,
                                                   "note": "untrained"}
    start = time.time()
    step = 0
    for step in tqdm(range(1, c.steps + 1), desc="sft", disable=not sys.stderr.isatty()):
        model.train()
        lr = set_lr(opt, step - 1, c.lr, c.steps, c.warmup)
        losses = []
        for _ in range(c.grad_accum):
            batch = [train[i] for i in rng.integers(0, len(train), size=c.batch_size)]
            losses.append(sft_step_on(model, tok, batch, c.template, c.grad_accum, c.demo_error_rate))
        optimizer_step(opt, model.parameters())
        if step % 10 == 0 or step == 1:
            log.log(step, train_nll=float(np.mean(losses)), lr=lr)
        out_of_time = log.over_budget(c.time_budget_s, c.cpu_budget_s, start)
        if step % c.eval_every == 0 and step != c.steps and not out_of_time:
            do_eval(step)
        if out_of_time:
            break
    after = do_eval(step)
    results = {"before": before, "after": after, "steps": step, "train_seconds": round(time.time() - start, 1)}
    return finish_run(log, model, results, ("eval_accuracy", "eval_format_rate"))


def main(argv: list[str] | None = None) -> int:
    c = parse_config(SFTConfig, argv, presets=PRESETS)
    print(run(c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
