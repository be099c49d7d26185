"""Expert iteration (HANDOUT.md §8.3): sample G responses per training question, keep those the verifier marks
correct, fine-tune on them with the SFT step, repeat.

    python -m a5_alignment.experiments.expert_iteration --preset tiny
    python -m a5_alignment.experiments.expert_iteration --preset tiny_full --init-checkpoint out/a5/tiny/sft/policy.pt
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from a5_alignment.experiments.batching import chunks, response_log_probs
from a5_alignment.experiments.evaluation import evaluate
from a5_alignment.experiments.finish import finish_run
from a5_alignment.experiments.rollouts import rollout
from a5_alignment.experiments.setup import (
    RunConfig,
    make_optimizer,
    optimizer_step,
    problems,
    set_lr,
    set_threads,
    start_policy,
)
from a5_alignment.infra.sampler import SamplingParams
from a5_alignment.sft_step import sft_microbatch_train_step
from shared.config_cli import parse_config, to_dict
from shared.run_log import RunLog


@dataclass
class EIConfig(RunConfig):
    out_dir: str = field(default="out/a5/ei", metadata={"help": "log.json, curves.png and policy.pt go here"})
    ei_steps: int = field(default=5, metadata={"help": "expert-iteration rounds"})
    questions_per_step: int = field(default=256, metadata={"help": "training questions sampled per round"})
    group_size: int = field(default=4, metadata={"help": "samples per question"})
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature"})
    sft_epochs: int = field(default=2, metadata={"help": "passes over each round's correct samples"})
    batch_size: int = field(default=64, metadata={"help": "sequences per optimizer step"})
    lr: float = field(default=3e-4, metadata={"help": "learning rate (cosine over all SFT steps)"})


PRESETS = {
    "tiny": EIConfig(out_dir="out/a5/ei_tiny_quick", n_train=500, n_test=32, ei_steps=2, questions_per_step=16,
                     group_size=2, batch_size=16, max_new_tokens=24),
    "tiny_full": EIConfig(out_dir="out/a5/tiny/ei"),
}


def run(c: EIConfig) -> dict:
    set_threads(c.threads)
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    model, tok = start_policy(c.policy, c.init_checkpoint, c.seed)
    train, test = problems(c.families, c.max_value, c.n_train, c.n_test, c.seed)
    log = RunLog(c.out_dir, "expert_iteration", to_dict(c))
    opt = make_optimizer(model, c.lr, 0.0)
    # an estimate of the total number of optimizer steps, for the schedule (the kept set varies per round)
    total = max(1, c.ei_steps * c.sft_epochs * (c.questions_per_step * c.group_size // 2) // c.batch_size)

    def do_eval(step: int) -> dict:
        r = evaluate(model, tok, test, c.template, c.max_new_tokens)
        log.log(step, eval_accuracy=r.accuracy, eval_format_rate=r.format_rate, samples=r.samples)
        return r.summary()

    before = do_eval(0)
    start, opt_step, step = time.time(), 0, 0
    for step in tqdm(range(1, c.ei_steps + 1), desc="expert iteration", disable=not sys.stderr.isatty()):
        qs = [train[i] for i in rng.choice(len(train), size=c.questions_per_step, replace=False)]
        params = SamplingParams(c.temperature, 1.0, c.max_new_tokens, ("</answer>",), seed=c.seed * 7919 + step)
        ro = rollout(model, tok, qs, c.group_size, c.template, params)
        # keep each distinct correct response once per prompt
        kept = sorted({(p, r) for p, r, w in zip(ro.prompts, ro.responses, ro.rewards, strict=True) if w == 1.0})
        losses = []
        model.train()
        for _ in range(c.sft_epochs):
            order = rng.permutation(len(kept))
            for s in chunks(len(kept), c.batch_size):
                pairs = [kept[i] for i in order[s]]
                set_lr(opt, min(opt_step, total - 1), c.lr, total, 0)
                lp, mask = response_log_probs(model, tok, [p for p, _ in pairs], [r for _, r in pairs])
                _, meta = sft_microbatch_train_step(lp, mask, 1, normalize_constant=float(mask.sum()) / len(pairs))
                optimizer_step(opt, model.parameters())
                opt_step += 1
                losses.append(float(meta["nll"]))
        log.log(step, kept=len(kept), train_reward=len(kept) / len(ro.prompts),
                train_nll=float(np.mean(losses)) if losses else None)
        do_eval(step)
        if log.over_budget(c.time_budget_s, c.cpu_budget_s, start):
            break
    after = {k: log.records[-1][k] for k in ("eval_accuracy", "eval_format_rate")}
    after = {"n": len(test), "accuracy": after["eval_accuracy"], "format_rate": after["eval_format_rate"]}
    results = {"before": before, "after": after, "ei_steps": step, "train_seconds": round(time.time() - start, 1)}
    return finish_run(log, model, results, ("eval_accuracy", "eval_format_rate", "train_reward"))


def main(argv: list[str] | None = None) -> int:
    c = parse_config(EIConfig, argv, presets=PRESETS)
    print(run(c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
