"""The tiny-model pipeline of the reference results (HANDOUT.md §9): SFT from scratch, then GRPO, expert
iteration and DPO each from the same SFT checkpoint, and a summary table (JSON) and bar plot (PNG).

    python -m a5_alignment.experiments.pipeline --preset tiny        # seconds: every stage, tiny budgets
    python -m a5_alignment.experiments.pipeline --preset tiny_full   # the reference run (~30 CPU-minutes)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from a5_alignment.experiments import dpo, expert_iteration, grpo, sft
from shared.config_cli import parse_config, to_dict


@dataclass
class PipelineConfig:
    out_dir: str = field(default="out/a5/tiny", metadata={"help": "each stage writes a subfolder here"})
    sft_steps: int = field(default=300, metadata={"help": "SFT optimizer steps (from scratch)"})
    sft_time_s: float = field(default=0.0, metadata={"help": "SFT wall-clock budget (0 = none)"})
    demo_error_rate: float = field(default=0.0, metadata={
        "help": "fraction of SFT demonstrations off by one (a sloppy teacher; 0.5 in the reference results)"})
    grpo_steps: int = field(default=1300, metadata={"help": "GRPO steps"})
    grpo_cpu_s: float = field(default=1800.0, metadata={"help": "GRPO budget in CPU seconds (0 = none)"})
    grpo_lr: float = field(default=1e-4, metadata={"help": "GRPO peak learning rate"})
    stages: str = field(default="sft,grpo,ei,dpo",
                        metadata={"help": "stages to run, comma-separated (others are read from earlier logs)"})
    quick: bool = field(default=False, metadata={"help": "use every stage's tiny preset (for tests)"})
    threads: int = field(default=1, metadata={"help": "torch threads"})


PRESETS = {
    "tiny": PipelineConfig(out_dir="out/a5/pipeline_quick", quick=True, sft_steps=20, grpo_steps=2),
    "tiny_full": PipelineConfig(),
}


def run(c: PipelineConfig) -> dict:
    out = Path(c.out_dir)
    stages = [s.strip() for s in c.stages.split(",") if s.strip()]
    key = "tiny" if c.quick else "tiny_full"
    results: dict[str, dict] = {}
    ckpt = str(out / "sft" / "policy.pt")
    t0 = time.time()
    if "sft" in stages:
        cfg = replace(sft.PRESETS[key], out_dir=str(out / "sft"), steps=c.sft_steps, time_budget_s=c.sft_time_s,
                      demo_error_rate=c.demo_error_rate, threads=c.threads)
        results["sft"] = sft.run(cfg)
    if "grpo" in stages:
        cfg = replace(grpo.PRESETS[key], out_dir=str(out / "grpo"), init_checkpoint=ckpt,
                      n_grpo_steps=c.grpo_steps, cpu_budget_s=c.grpo_cpu_s, lr=c.grpo_lr, threads=c.threads)
        results["grpo"] = grpo.run(cfg)
    if "ei" in stages:
        cfg = replace(expert_iteration.PRESETS[key], out_dir=str(out / "ei"), init_checkpoint=ckpt,
                      threads=c.threads)
        results["ei"] = expert_iteration.run(cfg)
    if "dpo" in stages:
        cfg = replace(dpo.PRESETS[key], out_dir=str(out / "dpo"), init_checkpoint=ckpt, threads=c.threads)
        results["dpo"] = dpo.run(cfg)
    for name in ("sft", "grpo", "ei", "dpo"):  # stages run earlier (a resumed pipeline) still enter the summary
        log = out / name / "log.json"
        if name not in results and log.exists():
            results[name] = json.loads(log.read_text())["results"]
    results = {k: results[k] for k in ("sft", "grpo", "ei", "dpo") if k in results}
    summary = {"config": to_dict(c), "wall_seconds": round(time.time() - t0, 1), "stages": results}
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    plot_summary(results, out / "summary.png")
    return summary


def plot_summary(results: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    if not names:
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    xs = range(len(names))
    for off, when in ((-0.2, "before"), (0.2, "after")):
        ax.bar([x + off for x in xs], [100 * results[n][when]["accuracy"] for n in names], width=0.4, label=when)
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("held-out accuracy (%)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    c = parse_config(PipelineConfig, argv, presets=PRESETS)
    s = run(c)
    for name, r in s["stages"].items():
        print(f"{name:5s} accuracy {r['before']['accuracy']:.3f} -> {r['after']['accuracy']:.3f}   "
              f"format {r['before']['format_rate']:.3f} -> {r['after']['format_rate']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
