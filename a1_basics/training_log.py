"""The training run's record: a CSV and a JSONL of every logged step, a PNG learning curve, and wandb.

wandb runs offline by default (WANDB_MODE=offline writes a local run folder that `wandb sync` can upload later);
tests set WANDB_MODE=disabled. The local files are the source of truth, so a run is fully inspectable without
any account.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any


class RunLog:
    def __init__(self, out_dir: Path, config: dict[str, Any], use_wandb: bool = True, project: str = "lmfs-a1",
                 resume: bool = False) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: list[dict[str, Any]] = []
        self.jsonl = out_dir / "log.jsonl"
        if resume and self.jsonl.exists():
            self.rows = [json.loads(line) for line in self.jsonl.read_text().splitlines() if line.strip()]
        elif self.jsonl.exists():
            self.jsonl.unlink()
        (out_dir / "config.json").write_text(json.dumps(config, indent=2))
        self.run = None
        if use_wandb:
            os.environ.setdefault("WANDB_MODE", "offline")
            os.environ.setdefault("WANDB_SILENT", "true")
            if os.environ["WANDB_MODE"] != "disabled":
                import wandb

                self.run = wandb.init(project=project, config=config, dir=str(out_dir), reinit=True)

    def log(self, step: int, **values: float) -> None:
        row = {"step": step, **values}
        self.rows.append(row)
        with self.jsonl.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if self.run is not None:
            self.run.log(values, step=step)

    def finish(self) -> dict[str, Path]:
        """Write the CSV and the PNG curve; close wandb. Returns the paths written."""
        paths = {"jsonl": self.jsonl, "csv": self.out_dir / "log.csv", "png": self.out_dir / "learning_curve.png"}
        keys = sorted({k for r in self.rows for k in r}, key=lambda k: (k != "step", k))
        with paths["csv"].open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            w.writerows(self.rows)
        plot_curve(self.rows, paths["png"])
        if self.run is not None:
            self.run.finish()
        return paths


def plot_curve(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for key, style in (("train_loss", "-"), ("val_loss", "o-")):
        pts = [(r["step"], r[key]) for r in rows if key in r]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label=key.replace("_", " "), markersize=3)
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
