"""PPO beside GRPO at equal compute (HANDOUT.md §10.6): the same SFT checkpoint, tasks, prompt template, rollouts
per step (prompts x samples), optimizer steps per rollout batch, microbatching, learning rate and CPU budget.
GRPO (its `tiny_full` preset) is the anchor; PPO copies every shared setting from it. The two runs go one after
the other in this process, and the table reports each one's CPU seconds and PPO's difference from the anchor.

    python -m a5_alignment.experiments.ppo_vs_grpo --init-checkpoint out/a5/tiny/sft/policy.pt --cpu-budget-s 480
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from a5_alignment.experiments import grpo, ppo
from a5_alignment.experiments.rl_loop import RLConfig
from shared.config_cli import parse_config, to_dict

# every setting the two methods share (RLConfig's fields) but where they write
SHARED = tuple(f.name for f in fields(RLConfig) if f.name != "out_dir")


@dataclass
class CompareConfig:
    init_checkpoint: str = field(default="out/a5/tiny/sft/policy.pt", metadata={"help": "the SFT checkpoint"})
    out_dir: str = field(default="out/a5/tiny/ppo_vs_grpo", metadata={"help": "grpo/, ppo/, comparison.json"})
    grpo_preset: str = field(default="tiny_full", metadata={"help": "GRPO preset (the anchor)"})
    steps: int = field(default=400, metadata={"help": "rollout batches per method (the CPU budget may stop first)"})
    cpu_budget_s: float = field(default=480.0, metadata={"help": "CPU seconds per method, evaluations included"})
    n_test: int = field(default=400, metadata={"help": "held-out problems"})
    eval_every: int = field(default=20, metadata={"help": "evaluate every this many steps (both methods)"})
    seed: int = field(default=0, metadata={"help": "seed of both runs"})
    methods: str = field(default="grpo,ppo", metadata={"help": "which to run (comma-separated)"})
    gamma: float = field(default=1.0, metadata={"help": "PPO: GAE discount"})
    lam: float = field(default=0.95, metadata={"help": "PPO: GAE lambda"})
    vf_coef: float = field(default=0.1, metadata={"help": "PPO: value-loss weight"})
    kl_coef: float = field(default=0.0, metadata={"help": "PPO: KL penalty to the SFT policy"})


PRESETS = {"tiny": CompareConfig(grpo_preset="tiny", steps=2, cpu_budget_s=0.0, n_test=16, eval_every=2,
                                 out_dir="out/a5/ppo_vs_grpo_quick")}


def configs(c: CompareConfig) -> tuple[grpo.GRPOConfig, ppo.PPOConfig]:
    """The anchor's config from its preset, and PPO's with every shared field copied from it."""
    g = replace(grpo.PRESETS[c.grpo_preset], init_checkpoint=c.init_checkpoint, out_dir=str(Path(c.out_dir) / "grpo"),
                n_grpo_steps=c.steps, cpu_budget_s=c.cpu_budget_s, n_test=c.n_test, seed=c.seed,
                eval_every=c.eval_every)
    p = ppo.PPOConfig(out_dir=str(Path(c.out_dir) / "ppo"), n_ppo_steps=c.steps, gamma=c.gamma, lam=c.lam,
                      vf_coef=c.vf_coef, kl_coef=c.kl_coef, **{k: getattr(g, k) for k in SHARED})
    return g, p


def table(rows: dict[str, dict]) -> str:
    """Markdown table with GRPO as the anchor: PPO's accuracy difference and CPU ratio are relative to it."""
    out = ["| method | steps | CPU s | accuracy before -> after | format before -> after | vs GRPO |",
           "|---|---|---|---|---|---|"]
    anchor = rows.get("grpo")
    for name, r in rows.items():
        acc = r["after"]["accuracy"]
        if name == "grpo" or anchor is None:
            vs = "anchor" if name == "grpo" else ""
        else:
            vs = (f"{100 * (acc - anchor['after']['accuracy']):+.2f} points, "
                  f"{r['cpu_seconds'] / max(anchor['cpu_seconds'], 1e-9):.2f}x CPU")
        steps = r.get("grpo_steps", r.get("ppo_steps"))
        out.append(f"| {name} | {steps} | {r['cpu_seconds']:.0f} | {100 * r['before']['accuracy']:.2f}% -> "
                   f"{100 * acc:.2f}% | {100 * r['before']['format_rate']:.2f}% -> "
                   f"{100 * r['after']['format_rate']:.2f}% | {vs} |")
    return "\n".join(out)


def run(c: CompareConfig) -> dict:
    g, p = configs(c)
    wanted = {m.strip() for m in c.methods.split(",") if m.strip()}
    rows: dict[str, dict] = {}
    if "grpo" in wanted:
        rows["grpo"] = grpo.run(g)
    if "ppo" in wanted:
        rows["ppo"] = ppo.run(p)
    text = table(rows)
    out = Path(c.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "comparison.json").write_text(json.dumps({"config": to_dict(c), "results": rows, "table": text},
                                                    indent=1, default=str))
    print(text)
    return rows


def main(argv: list[str] | None = None) -> int:
    run(parse_config(CompareConfig, argv, presets=PRESETS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
