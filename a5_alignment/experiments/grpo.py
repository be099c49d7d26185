"""GRPO (Shao et al., 2024) on verifiable math tasks (HANDOUT.md §8.4): rollouts from our KV-cache sampler,
group-normalised r1-zero rewards, and the policy-gradient losses of pg_losses.py, on- or off-policy.

    python -m a5_alignment.experiments.grpo --preset tiny
    python -m a5_alignment.experiments.grpo --preset tiny_full --init_checkpoint out/a5/tiny/sft/policy.pt
    python -m a5_alignment.experiments.grpo --preset smollm2
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from a5_alignment.advantages import compute_group_normalized_rewards
from a5_alignment.experiments.batching import chunks
from a5_alignment.experiments.evaluation import evaluate
from a5_alignment.experiments.logging_utils import RunLog
from a5_alignment.experiments.rollouts import rollout
from a5_alignment.experiments.setup import make_optimizer, problems, set_lr, set_threads, start_policy
from a5_alignment.log_probs import get_response_log_probs
from a5_alignment.masked import masked_mean
from a5_alignment.pg_losses import grpo_microbatch_train_step
from a5_alignment.reward import r1_zero_reward_fn
from a5_alignment.sampler import SamplingParams
from a5_alignment.tokenization import tokenize_prompt_and_output
from shared.config_cli import parse_config, to_dict


@dataclass
class GRPOConfig:
    policy: str = field(default="tiny", metadata={"help": "tiny or smollm2"})
    init_checkpoint: str = field(default="", metadata={"help": "policy to start from (tiny: an SFT checkpoint)"})
    out_dir: str = field(default="out/a5/grpo", metadata={"help": "log.json, curves.png and policy.pt go here"})
    families: str = field(default="add", metadata={"help": "task families, comma-separated"})
    max_value: int = field(default=99, metadata={"help": "largest operand"})
    template: str = field(default="short", metadata={"help": "prompt template: short or r1_zero"})
    n_train: int = field(default=5000, metadata={"help": "distinct training problems"})
    n_test: int = field(default=400, metadata={"help": "held-out problems"})
    n_grpo_steps: int = field(default=200, metadata={"help": "rollout batches (one or more optimizer steps each)"})
    lr: float = field(default=3e-4, metadata={"help": "peak learning rate (cosine to lr/10)"})
    warmup: int = field(default=0, metadata={"help": "warm-up steps"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    advantage_eps: float = field(default=1e-6, metadata={"help": "eps added to the group std"})
    rollout_batch_size: int = field(default=128, metadata={"help": "rollouts per GRPO step (prompts x group)"})
    group_size: int = field(default=8, metadata={"help": "rollouts per prompt"})
    temperature: float = field(default=1.0, metadata={"help": "rollout sampling temperature"})
    top_p: float = field(default=1.0, metadata={"help": "rollout nucleus mass"})
    max_new_tokens: int = field(default=40, metadata={"help": "rollout and evaluation budget"})
    epochs_per_rollout_batch: int = field(default=1, metadata={"help": "1 = on-policy; >1 reuses rollouts"})
    train_batch_size: int = field(default=128, metadata={"help": "rollouts per optimizer step"})
    grad_accum: int = field(default=2, metadata={"help": "microbatches per optimizer step"})
    loss_type: str = field(default="reinforce_with_baseline",
                           metadata={"help": "no_baseline, reinforce_with_baseline or grpo_clip"})
    use_std_normalization: bool = field(default=True, metadata={"help": "divide advantages by the group std"})
    cliprange: float = field(default=0.2, metadata={"help": "GRPO-clip range"})
    eval_every: int = field(default=40, metadata={"help": "evaluate every this many GRPO steps"})
    time_budget_s: float = field(default=0.0, metadata={"help": "stop after this many wall seconds (0 = none)"})
    cpu_budget_s: float = field(default=0.0, metadata={
        "help": "stop after this many CPU seconds of this process, evaluations included (0 = none): the budget "
                "a busy machine cannot shrink"})
    seed: int = field(default=0, metadata={"help": "seed of prompts and sampling"})
    threads: int = field(default=1, metadata={"help": "torch threads (0 = torch default; 1 suits a shared CPU)"})


PRESETS = {
    "tiny": GRPOConfig(out_dir="out/a5/grpo_tiny_quick", n_train=500, n_test=32, n_grpo_steps=3,
                       rollout_batch_size=16, group_size=4, train_batch_size=16, eval_every=2, max_new_tokens=24),
    "tiny_full": GRPOConfig(out_dir="out/a5/tiny/grpo", lr=1e-4, rollout_batch_size=256, train_batch_size=128,
                            n_grpo_steps=400, eval_every=20),
    "smollm2": GRPOConfig(policy="smollm2", out_dir="out/a5/smollm2/grpo", template="smol_chat", n_train=2000,
                          n_test=64, n_grpo_steps=12, lr=3e-5, warmup=1, rollout_batch_size=16, group_size=4,
                          train_batch_size=16, grad_accum=4, max_new_tokens=48, eval_every=1000,
                          loss_type="reinforce_with_baseline"),
}


def check(c: GRPOConfig) -> None:
    if c.rollout_batch_size % c.group_size or c.train_batch_size % c.grad_accum:
        raise ValueError("rollout_batch_size must be a multiple of group_size and train_batch_size of grad_accum")
    if c.rollout_batch_size % c.train_batch_size:
        raise ValueError("rollout_batch_size must be a multiple of train_batch_size")
    if c.loss_type == "grpo_clip" and c.cliprange <= 0:
        raise ValueError("grpo_clip needs cliprange > 0")


def run(c: GRPOConfig) -> dict:
    check(c)
    set_threads(c.threads)
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    model, tok = start_policy(c.policy, c.init_checkpoint, c.seed)
    train, test = problems(c.families, c.max_value, c.n_train, c.n_test, c.seed)
    log = RunLog(c.out_dir, "grpo", to_dict(c))
    opt = make_optimizer(model, c.lr, c.weight_decay)
    device = next(model.parameters()).device
    n_prompts = c.rollout_batch_size // c.group_size
    opt_steps = c.n_grpo_steps * c.epochs_per_rollout_batch * (c.rollout_batch_size // c.train_batch_size)

    def do_eval(step: int) -> dict:
        r = evaluate(model, tok, test, c.template, c.max_new_tokens)
        log.log(step, eval_accuracy=r.accuracy, eval_format_rate=r.format_rate, samples=r.samples)
        return r.summary()

    before = do_eval(0)
    start, opt_step, step = time.time(), 0, 0
    for step in tqdm(range(1, c.n_grpo_steps + 1), desc="grpo", disable=not sys.stderr.isatty()):
        t0 = time.time()
        qs = [train[i] for i in rng.choice(len(train), size=n_prompts, replace=False)]
        params = SamplingParams(c.temperature, c.top_p, c.max_new_tokens, ("</answer>",),
                                seed=c.seed * 1_000_003 + step)
        ro = rollout(model, tok, qs, c.group_size, c.template, params, batch_size=c.rollout_batch_size)
        prompts, fmt = ro.prompts, ro.format_rate
        t_roll = time.time() - t0
        adv, raw, meta = compute_group_normalized_rewards(r1_zero_reward_fn, ro.responses, ro.truths, c.group_size,
                                                          c.advantage_eps, c.use_std_normalization)
        batch = tokenize_prompt_and_output(prompts, ro.responses, tok)
        ids, labels, mask = (batch[k].to(device) for k in ("input_ids", "labels", "response_mask"))
        old_lp = None
        if c.loss_type == "grpo_clip" or c.epochs_per_rollout_batch > 1:
            with torch.no_grad():
                model.eval()
                old_lp = torch.cat([get_response_log_probs(model, ids[s], labels[s])["log_probs"]
                                    for s in chunks(len(prompts), c.train_batch_size // c.grad_accum)])
        model.train()
        entropies, clip_fracs = [], []
        grad_norm, lr = 0.0, float("nan")
        if c.loss_type != "no_baseline" and not bool(adv.abs().gt(0).any()):
            # subtle: every group all right or all wrong gives zero advantages; an Adam step on a zero gradient
            # would still move the weights along its momentum, so such a batch is skipped.
            log.log(step, train_reward=meta["reward_mean"], train_format_rate=fmt, skipped=True)
            continue
        micro = c.train_batch_size // c.grad_accum
        for _ in range(c.epochs_per_rollout_batch):
            order = torch.from_numpy(rng.permutation(len(prompts)))
            for tb in chunks(len(prompts), c.train_batch_size):
                lr = set_lr(opt, opt_step, c.lr, opt_steps, c.warmup)
                for mb in chunks(tb.stop - tb.start, micro):
                    rows = order[tb][mb]
                    out = get_response_log_probs(model, ids[rows], labels[rows], return_token_entropy=True)
                    _, m = grpo_microbatch_train_step(
                        out["log_probs"], mask[rows], c.grad_accum, c.loss_type,  # type: ignore[arg-type]
                        raw_rewards=raw[rows, None].to(device), advantages=adv[rows, None].to(device),
                        old_log_probs=None if old_lp is None else old_lp[rows], cliprange=c.cliprange)
                    entropies.append(float(masked_mean(out["token_entropy"].detach(), mask[rows])))
                    if "clipped" in m:
                        clip_fracs.append(float(masked_mean(m["clipped"].float(), mask[rows])))
                grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0))
                opt.step()
                opt.zero_grad(set_to_none=True)
                opt_step += 1
        rec = {"train_reward": meta["reward_mean"], "train_format_rate": fmt, "entropy": float(np.mean(entropies)),
               "grad_norm": grad_norm, "lr": lr, "rollout_s": round(t_roll, 2), "step_s": round(time.time() - t0, 2)}
        if clip_fracs:
            rec["clip_fraction"] = float(np.mean(clip_fracs))
        log.log(step, **rec)
        out_of_time = ((c.time_budget_s > 0 and time.time() - start > c.time_budget_s)
                       or (c.cpu_budget_s > 0 and log.cpu_seconds() > c.cpu_budget_s))
        if step % c.eval_every == 0 and step != c.n_grpo_steps and not out_of_time:
            do_eval(step)
        if out_of_time:
            break
    after = do_eval(step)
    results = {"before": before, "after": after, "grpo_steps": step,
               "train_seconds": round(time.time() - start, 1)}
    return log.finish(model, results, ("eval_accuracy", "eval_format_rate", "train_reward"))


def main(argv: list[str] | None = None) -> int:
    c = parse_config(GRPOConfig, argv, presets=PRESETS)
    print(run(c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
