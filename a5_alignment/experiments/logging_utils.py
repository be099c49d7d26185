"""Run records: a JSON log (config, every logged step, final results) and a PNG plot of the curves."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


class RunLog:
    """Collects {"step", ...metrics} records; `write()` saves out_dir/log.json and out_dir/curves.png."""

    def __init__(self, out_dir: str | Path, name: str, config: dict) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.name, self.config = name, config
        self.records: list[dict[str, Any]] = []
        self.results: dict[str, Any] = {}
        self.start = time.time()
        self.cpu_start = time.process_time()

    def cpu_seconds(self) -> float:
        """CPU seconds this process has used since the log began: the budget that a loaded machine cannot
        shrink (the wall clock can, several times over, when other jobs share the cores)."""
        return time.process_time() - self.cpu_start

    def over_budget(self, wall_budget_s: float, cpu_budget_s: float, wall_start: float) -> bool:
        """True once the wall clock since wall_start passed wall_budget_s, or this process's CPU seconds since the
        log began passed cpu_budget_s (a budget of 0 is no budget)."""
        return ((wall_budget_s > 0 and time.time() - wall_start > wall_budget_s)
                or (cpu_budget_s > 0 and self.cpu_seconds() > cpu_budget_s))

    def log(self, step: int, **metrics: Any) -> None:
        self.records.append({"step": step, "time_s": round(time.time() - self.start, 2),
                             "cpu_s": round(self.cpu_seconds(), 2), **metrics})
        self.write()

    def write(self) -> Path:
        path = self.out_dir / "log.json"
        path.write_text(json.dumps({"name": self.name, "config": self.config, "records": self.records,
                                    "results": self.results}, indent=1, default=str))
        return path

    def finish(self, model: Any, results: dict[str, Any], plot_keys: tuple[str, ...]) -> dict[str, Any]:
        """The end of every experiment: save the policy, write the results (with the CPU seconds used) into
        log.json, draw the curves."""
        from a5_alignment.models import save_policy

        save_policy(model, self.out_dir / "policy.pt", {"method": self.name, **{
            k: v for k, v in results.items() if isinstance(v, int | float)}})
        self.results = {**results, "cpu_seconds": round(self.cpu_seconds(), 1)}
        self.write()
        self.plot(plot_keys)
        return self.results

    def plot(self, keys: tuple[str, ...] = ("eval_accuracy", "eval_format_rate", "train_reward")) -> Path | None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3.5))
        drawn = False
        for k in keys:
            pts = [(r["step"], r[k]) for r in self.records if k in r]
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", markersize=3, label=k)
                drawn = True
        if not drawn:
            plt.close(fig)
            return None
        ax.set_xlabel("step")
        ax.set_title(self.name)
        ax.grid(alpha=0.3)
        ax.legend()
        path = self.out_dir / "curves.png"
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return path
