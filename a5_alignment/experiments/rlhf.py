"""RLHF with a learned reward on the CPU (HANDOUT.md §13.3): preference pairs from the SFT policy's own samples,
judged by the verifier; a reward model trained on them (and a weak one on a few pairs); then a5's PPO from the
same SFT checkpoint against the verifier, against the learned reward model, and, for longer, against the weak one.
Each run logs the reward PPO maximises (proxy) beside the verifier's (true); the held-out greedy accuracy is
scored by the verifier.

    python -m a5_alignment.experiments.rlhf                 # a few CPU minutes (trains SFT first if absent)
    python -m a5_alignment.experiments.rlhf --preset tiny   # seconds
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from a5_alignment.experiments import ppo
from a5_alignment.experiments.checkpoints import sft_checkpoint
from a5_alignment.experiments.reward_training import sample_pairs, score, train_reward_model
from a5_alignment.experiments.setup import problems, set_threads
from a5_alignment.infra.models import load_policy
from shared.config_cli import parse_config, to_dict

FIGURE = Path(__file__).with_name("rlhf_overoptimisation.png")  # the committed, measured figure


@dataclass
class RLHFConfig:
    out_dir: str = field(default="out/a5/rlhf", metadata={"help": "results.json, the PNG and each run's log"})
    sft_checkpoint: str = field(default="out/a5/tiny/sft/policy.pt", metadata={
        "help": "SFT policy to start everything from (trained there with sft_steps if absent)"})
    sft_steps: int = field(default=300, metadata={"help": "SFT steps when the checkpoint is absent"})
    pair_prompts: int = field(default=2048, metadata={"help": "training prompts, two samples each"})
    held_out_fraction: float = field(default=0.2, metadata={"help": "pairs kept to measure the RM's accuracy"})
    rm_epochs: int = field(default=3, metadata={"help": "reward-model epochs over its pairs"})
    rm_lr: float = field(default=1e-4, metadata={"help": "reward-model learning rate (trunk and head)"})
    rm_batch: int = field(default=32, metadata={"help": "pairs per reward-model step"})
    margin: float = field(default=0.0, metadata={"help": "preference-loss margin"})
    use_ties: bool = field(default=True, metadata={"help": "train on tie pairs too (the tie rule of §13.2)"})
    weak_pairs: int = field(default=48, metadata={"help": "preferred pairs the weak reward model sees"})
    weak_epochs: int = field(default=1, metadata={"help": "epochs of the weak reward model"})
    ppo_steps: int = field(default=60, metadata={"help": "PPO steps against the verifier and the strong RM"})
    long_steps: int = field(default=120, metadata={"help": "PPO steps against the weak RM (over-optimisation)"})
    rollout_batch_size: int = field(default=64, metadata={"help": "PPO rollouts per step"})
    group_size: int = field(default=4, metadata={"help": "samples per prompt"})
    lr: float = field(default=1e-4, metadata={"help": "PPO learning rate"})
    n_test: int = field(default=200, metadata={"help": "held-out problems (greedy, verifier-scored)"})
    eval_every: int = field(default=20, metadata={"help": "PPO evaluation period in steps"})
    figure: bool = field(default=False, metadata={"help": "also overwrite the committed PNG beside this script"})
    quick: bool = field(default=False, metadata={"help": "SFT's and PPO's tiny presets (for tests)"})
    seed: int = field(default=0, metadata={"help": "seed"})
    threads: int = field(default=1, metadata={"help": "torch threads"})


PRESETS = {
    "tiny": RLHFConfig(out_dir="out/a5/rlhf_quick", sft_checkpoint="out/a5/rlhf_quick/sft/policy.pt", sft_steps=20,
                       pair_prompts=32, rm_epochs=1, weak_pairs=4, ppo_steps=2, long_steps=3, rollout_batch_size=16,
                       n_test=16, eval_every=2, quick=True),
}


def ppo_config(c: RLHFConfig, name: str, steps: int) -> ppo.PPOConfig:
    base = ppo.PRESETS["tiny"] if c.quick else ppo.PPOConfig()
    return replace(base, out_dir=str(Path(c.out_dir) / name), init_checkpoint=c.sft_checkpoint, n_ppo_steps=steps,
                   rollout_batch_size=c.rollout_batch_size, group_size=c.group_size,
                   train_batch_size=c.rollout_batch_size, lr=c.lr, n_test=c.n_test, eval_every=c.eval_every,
                   seed=c.seed, threads=c.threads)


def curve(out_dir: Path, key: str) -> tuple[list[int], list[float]]:
    records = json.loads((out_dir / "log.json").read_text())["records"]
    pts = [(r["step"], r[key]) for r in records if key in r]
    return [p[0] for p in pts], [p[1] for p in pts]


def plot(c: RLHFConfig, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, color in (("ppo_verifier", "black"), ("ppo_rm", "tab:blue"), ("ppo_weak_rm", "tab:red")):
        d = Path(c.out_dir) / name
        s, v = curve(d, "train_reward")
        w = 10
        smooth = np.convolve(v, np.ones(w) / w, mode="valid") if len(v) >= w else np.asarray(v)
        a.plot(s[len(s) - len(smooth):], smooth, color=color, label=f"{name}: true (verifier)")
        if name != "ppo_verifier":
            s, p = curve(d, "proxy_reward")
            sp = np.convolve(p, np.ones(w) / w, mode="valid") if len(p) >= w else np.asarray(p)
            b.plot(s[len(s) - len(sp):], sp, color=color, label=f"{name}: proxy (reward model)")
        s, e = curve(d, "eval_accuracy")
        a.plot(s, e, "o:", color=color, markersize=4, label=f"{name}: held-out greedy accuracy")
    a.set_xlabel("PPO step")
    a.set_ylabel("verifier reward / accuracy")
    a.legend(fontsize=7)
    a.grid(alpha=0.3)
    b.set_xlabel("PPO step")
    b.set_ylabel("learned reward of the rollouts (10-step mean)")
    b.legend(fontsize=7)
    b.grid(alpha=0.3)
    fig.suptitle("PPO against the verifier vs against learned reward models (tiny policy, CPU)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(c: RLHFConfig) -> dict:
    set_threads(c.threads)
    cpu0 = time.process_time()
    out = Path(c.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sft_checkpoint(c.sft_checkpoint, c.sft_steps, c.quick, c.threads)
    policy, tok = load_policy("tiny", c.sft_checkpoint)
    train, _ = problems("add", 99, 5000, 10, c.seed)
    rng = np.random.default_rng(c.seed)
    questions = [train[i] for i in rng.choice(len(train), size=c.pair_prompts, replace=False)]
    pairs = sample_pairs(policy, tok, questions, 1.0, 40, seed=c.seed + 17)
    order = rng.permutation(len(pairs))
    n_held = int(len(pairs) * c.held_out_fraction)
    held, fit = pairs.take(order[:n_held]), pairs.take(order[n_held:])
    results: dict = {"config": to_dict(c), "pairs": {"total": len(pairs), "ties": int(pairs.tie.sum()),
                                                     "held_out": n_held, "cpu_s": round(time.process_time() - cpu0, 1)}}
    rm, results["rm"] = train_reward_model(policy, tok, fit, held, c.rm_epochs, c.rm_lr, c.rm_batch, c.margin,
                                           c.use_ties, c.seed)
    weak_rows = np.flatnonzero(~fit.tie)[:c.weak_pairs]
    weak, results["weak_rm"] = train_reward_model(policy, tok, fit.take(weak_rows), held, c.weak_epochs, c.rm_lr,
                                                  c.rm_batch, c.margin, False, c.seed)

    def scorer(model):
        return lambda prompts, responses: score(model, tok, prompts, responses)

    runs = {}
    for name, steps, fn in (("ppo_verifier", c.ppo_steps, None), ("ppo_rm", c.ppo_steps, scorer(rm)),
                            ("ppo_weak_rm", c.long_steps, scorer(weak))):
        t = time.process_time()
        r = ppo.run(ppo_config(c, name, steps), fn)
        runs[name] = {"before": r["before"]["accuracy"], "after": r["after"]["accuracy"], "steps": r["ppo_steps"],
                      "cpu_s": round(time.process_time() - t, 1)}
        if fn is not None:
            s, proxy = curve(out / name, "proxy_reward")
            _, true = curve(out / name, "train_reward")
            q = max(1, len(proxy) // 4)
            runs[name]["proxy_first_last_quarter"] = [float(np.mean(proxy[:q])), float(np.mean(proxy[-q:]))]
            runs[name]["true_first_last_quarter"] = [float(np.mean(true[:q])), float(np.mean(true[-q:]))]
    results["ppo"] = runs
    results["cpu_seconds"] = round(time.process_time() - cpu0, 1)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    plot(c, out / "rlhf_overoptimisation.png")
    if c.figure:
        shutil.copyfile(out / "rlhf_overoptimisation.png", FIGURE)
    return results


def main(argv: list[str] | None = None) -> int:
    r = run(parse_config(RLHFConfig, argv, presets=PRESETS))
    print(json.dumps({k: v for k, v in r.items() if k != "config"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
