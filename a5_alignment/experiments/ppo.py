"""PPO with a value head and GAE (HANDOUT.md §10.5) on the same verifiable math tasks as GRPO: the same rollouts
(prompts x samples per step), the r1-zero score on the last response token, an optional per-token KL penalty to
the starting policy, per-token advantages from GAE on a critic that shares the policy's trunk.

    python -m a5_alignment.experiments.ppo --preset tiny
    python -m a5_alignment.experiments.ppo --preset tiny_full --init-checkpoint out/a5/tiny/sft/policy.pt
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from a5_alignment.experiments.batching import chunks
from a5_alignment.experiments.finish import finish_run
from a5_alignment.experiments.rl_loop import RLConfig, draw_rollouts, held_out_eval, minibatches
from a5_alignment.experiments.setup import make_optimizer, optimizer_step, problems, set_lr, set_threads, start_policy
from a5_alignment.gae import compute_gae, masked_whiten, shape_rewards
from a5_alignment.log_probs import get_response_log_probs
from a5_alignment.masked import masked_mean
from a5_alignment.ppo_losses import ppo_microbatch_train_step
from a5_alignment.tokenization import tokenize_prompt_and_output
from a5_alignment.value_head import PolicyWithValue
from shared.config_cli import parse_config, to_dict
from shared.run_log import RunLog


@dataclass
class PPOConfig(RLConfig):
    """GRPO's settings (RLConfig; group_size only sets how many samples each prompt gets, PPO needs no groups)
    plus the critic's and GAE's."""

    out_dir: str = field(default="out/a5/ppo", metadata={"help": "log.json, curves.png and policy.pt go here"})
    n_ppo_steps: int = field(default=200, metadata={"help": "rollout batches (one or more optimizer steps each)"})
    eval_every: int = field(default=20, metadata={"help": "evaluate every this many PPO steps"})
    gamma: float = field(default=1.0, metadata={"help": "GAE discount per token"})
    lam: float = field(default=0.95, metadata={"help": "GAE lambda"})
    cliprange_value: float = field(default=0.2, metadata={"help": "value clip range around the old values"})
    vf_coef: float = field(default=0.1, metadata={"help": "weight of the value loss"})
    ent_coef: float = field(default=0.0, metadata={"help": "weight of the entropy bonus"})
    kl_coef: float = field(default=0.0, metadata={"help": "per-token KL penalty to the starting policy (costs "
                                                          "one more forward pass per rollout when > 0)"})
    whiten_advantages: bool = field(default=True, metadata={"help": "whiten advantages over each rollout batch"})


PRESETS = {
    "tiny": PPOConfig(out_dir="out/a5/ppo_tiny_quick", n_train=500, n_test=32, n_ppo_steps=3,
                      rollout_batch_size=16, group_size=4, train_batch_size=16, eval_every=2, max_new_tokens=24),
    "tiny_full": PPOConfig(out_dir="out/a5/tiny/ppo", n_ppo_steps=400),
}


def check(c: PPOConfig) -> None:
    c.check_batches()
    if not (0 <= c.gamma <= 1 and 0 <= c.lam <= 1):
        raise ValueError("gamma and lam must lie in [0, 1]")


def forward_with_values(pv: PolicyWithValue, ids: torch.Tensor, labels: torch.Tensor,
                        entropy: bool = False) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Log-probs (and entropy) of the labels and the values, from ONE pass through the shared trunk."""
    held: dict[str, torch.Tensor] = {}

    def logits_only(x: torch.Tensor) -> torch.Tensor:
        logits, held["values"] = pv(x)
        return logits

    out = get_response_log_probs(logits_only, ids, labels, return_token_entropy=entropy)
    return out, held["values"]


Scorer = Callable[[list[str], list[str]], torch.Tensor]  # (prompts, responses) -> scores (n,)


def run(c: PPOConfig, score_fn: Scorer | None = None) -> dict:
    """PPO against the r1-zero reward, or against `score_fn` (a learned reward model, HANDOUT §13.3), in which
    case the log keeps both: `proxy_reward` (what PPO maximises) and `train_reward` (the verifier's)."""
    check(c)
    set_threads(c.threads)
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    model, tok = start_policy(c.policy, c.init_checkpoint, c.seed)
    pv = PolicyWithValue(model)
    ref = copy.deepcopy(model).eval().requires_grad_(False) if c.kl_coef > 0 else None
    train, test = problems(c.families, c.max_value, c.n_train, c.n_test, c.seed)
    log = RunLog(c.out_dir, "ppo", to_dict(c))
    opt = make_optimizer(pv, c.lr, c.weight_decay)
    device = next(model.parameters()).device
    opt_steps = c.n_ppo_steps * c.optimizer_steps_per_batch()
    micro = c.train_batch_size // c.grad_accum

    before = held_out_eval(c, model, tok, test, log, 0)
    start, opt_step, step = time.time(), 0, 0
    for step in tqdm(range(1, c.n_ppo_steps + 1), desc="ppo", disable=not sys.stderr.isatty()):
        t0 = time.time()
        ro = draw_rollouts(c, model, tok, train, rng, step)
        t_roll = time.time() - t0
        batch = tokenize_prompt_and_output(ro.prompts, ro.responses, tok)
        ids, labels, mask = (batch[k].to(device) for k in ("input_ids", "labels", "response_mask"))
        with torch.no_grad():
            pv.eval()
            parts = [forward_with_values(pv, ids[s], labels[s]) for s in chunks(len(ids), micro)]
            old_lp = torch.cat([p[0]["log_probs"] for p in parts])
            old_values = torch.cat([p[1] for p in parts])
            ref_lp = None if ref is None else torch.cat(
                [get_response_log_probs(ref, ids[s], labels[s])["log_probs"] for s in chunks(len(ids), micro)])
            scores = (torch.tensor(ro.rewards, dtype=torch.float32, device=device) if score_fn is None
                      else score_fn(ro.prompts, ro.responses).to(device=device, dtype=torch.float32))
            rewards = shape_rewards(scores, mask, old_lp, ref_lp, c.kl_coef)
            adv, returns = compute_gae(rewards, old_values, mask, c.gamma, c.lam)
            if c.whiten_advantages:
                adv = masked_whiten(adv, mask)
        pv.train()
        stats: dict[str, list[float]] = {}
        grad_norm, lr = 0.0, float("nan")
        for micro_rows in minibatches(c, rng, len(ids)):
            lr = set_lr(opt, opt_step, c.lr, opt_steps, c.warmup)
            for rows in micro_rows:
                out, values = forward_with_values(pv, ids[rows], labels[rows], entropy=True)
                _, m = ppo_microbatch_train_step(
                    out["log_probs"], values, mask[rows], old_lp[rows], old_values[rows], adv[rows],
                    returns[rows], c.grad_accum, c.cliprange, c.cliprange_value, c.vf_coef,
                    out["token_entropy"], c.ent_coef)
                m["entropy"] = masked_mean(out["token_entropy"].detach(), mask[rows])
                for k, v in m.items():
                    stats.setdefault(k, []).append(float(v))
            grad_norm = optimizer_step(opt, pv.parameters())
            opt_step += 1
        rec = {"train_reward": ro.mean_reward, "train_format_rate": ro.format_rate,
               "mean_value": float(masked_mean(old_values, mask)), "grad_norm": grad_norm, "lr": lr,
               "rollout_s": round(t_roll, 2), "step_s": round(time.time() - t0, 2),
               **{k: float(np.mean(v)) for k, v in stats.items()}}
        if score_fn is not None:
            rec["proxy_reward"] = float(scores.mean())
        log.log(step, **rec)
        out_of_time = log.over_budget(c.time_budget_s, c.cpu_budget_s, start)
        if step % c.eval_every == 0 and step != c.n_ppo_steps and not out_of_time:
            held_out_eval(c, model, tok, test, log, step)
        if out_of_time:
            break
    after = held_out_eval(c, model, tok, test, log, step)
    torch.save(pv.value_head.state_dict(), log.out_dir / "value_head.pt")
    results = {"before": before, "after": after, "ppo_steps": step, "optimizer_steps": opt_step,
               "train_seconds": round(time.time() - start, 1)}
    return finish_run(log, model, results, ("eval_accuracy", "eval_format_rate", "train_reward", "mean_value"))


def main(argv: list[str] | None = None) -> int:
    c = parse_config(PPOConfig, argv, presets=PRESETS)
    print(run(c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
