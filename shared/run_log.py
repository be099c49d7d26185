"""A run's log: its config, every logged step, its final results and a PNG of chosen curves, kept on disk while the
run goes (an interrupted run still leaves its log), and the wall and CPU budgets that stop a run, both counted
from the log's start. a1's train.py and a5's experiments keep their runs with it.

    log = RunLog(out_dir, "sft", config)
    log.log(step, train_nll=0.7, lr=1e-3)        # a record {"step", "time_s", "cpu_s", "train_nll", "lr"}
    if log.over_budget(wall_budget_s, cpu_budget_s, wall_start): ...
    log.finish(results, Curves(("eval_accuracy",)))

Two layouts on disk, because the two kinds of run read their logs differently:
  "json"   out_dir/log.json {"name", "config", "records", "results"}, rewritten after every record: a5's runs log
           a few hundred records and their readers (the pipeline, the tests) want one document.
  "jsonl"  out_dir/config.json once, each record appended to out_dir/log.jsonl (a1's long runs log thousands of
           records, and rewriting one growing document each time would cost quadratic time), continued by a
           resumed run; write() adds the table out_dir/log.csv, and any results go to out_dir/results.json.
Either can mirror its records to wandb, offline unless WANDB_MODE says otherwise (WANDB_MODE=offline writes a
local run folder that `wandb sync` can upload later; tests set disabled). The local files are the source of
truth, so a run is fully inspectable without an account.
"""

from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Layout = Literal["json", "jsonl"]


@dataclass(frozen=True)
class Curves:
    """What RunLog.plot draws: each of `keys` against the step, in its matplotlib format string (default "o-",
    points joined), labelled by `labels` (default the keys), on a figure of `size` inches saved at `dpi`."""

    keys: tuple[str, ...]
    styles: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    file: str = "curves.png"
    title: str | None = None  # None: the run's name; "" for no title
    ylabel: str = ""
    size: tuple[float, float] = (6.0, 3.5)
    dpi: int = 100


class RunLog:
    """The log of one run in out_dir. `elapsed` stamps every record with time_s and cpu_s, the wall and CPU
    seconds since the log began (a1 turns it off: its records carry their own `seconds` of training). `resume`
    continues the records already in out_dir instead of starting over. `wandb_project` also logs to wandb."""

    def __init__(self, out_dir: str | Path, name: str, config: dict[str, Any], *, layout: Layout = "json",
                 elapsed: bool = True, resume: bool = False, wandb_project: str | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.name, self.config, self.layout, self.elapsed = name, config, layout, elapsed
        self.records: list[dict[str, Any]] = []
        self.results: dict[str, Any] = {}
        self.paths: dict[str, Path] = {}  # the files this log keeps, by kind ("json", "jsonl", "csv", "png", ...)
        self.start = time.time()
        self.cpu_start = time.process_time()
        if layout == "jsonl":
            self._start_jsonl(resume)
        elif resume and (self.out_dir / "log.json").exists():
            saved = json.loads((self.out_dir / "log.json").read_text())
            self.records, self.results = saved["records"], saved["results"]
        self.run = self._start_wandb(wandb_project) if wandb_project else None

    def _start_jsonl(self, resume: bool) -> None:
        self.paths["jsonl"] = jsonl = self.out_dir / "log.jsonl"
        if resume and jsonl.exists():
            self.records = [json.loads(line) for line in jsonl.read_text().splitlines() if line.strip()]
        elif jsonl.exists():
            jsonl.unlink()  # a fresh run appends to an empty log, not to the last run's records
        (self.out_dir / "config.json").write_text(json.dumps(self.config, indent=2))

    def _start_wandb(self, project: str) -> Any:
        os.environ.setdefault("WANDB_MODE", "offline")
        os.environ.setdefault("WANDB_SILENT", "true")
        if os.environ["WANDB_MODE"] == "disabled":
            return None
        import wandb  # only here: importing wandb is slow and most runs never use it

        return wandb.init(project=project, config=self.config, dir=str(self.out_dir), reinit=True)

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
        """Record `metrics` at `step` and save it at once (appended in the jsonl layout, the document rewritten in
        the json layout)."""
        stamps = {"time_s": round(time.time() - self.start, 2), "cpu_s": round(self.cpu_seconds(), 2)}
        record = {"step": step, **(stamps if self.elapsed else {}), **metrics}
        self.records.append(record)
        if self.layout == "jsonl":
            with self.paths["jsonl"].open("a") as f:
                f.write(json.dumps(record, default=str) + "\n")
        else:
            self.write()
        if self.run is not None:
            self.run.log(metrics, step=step)

    def write(self) -> Path:
        """Save the whole log as it stands: log.json in the json layout; in the jsonl layout (whose records are
        already on disk) the table log.csv, and results.json when there are results. Returns the log's file."""
        if self.layout == "json":
            self.paths["json"] = path = self.out_dir / "log.json"
            path.write_text(json.dumps({"name": self.name, "config": self.config, "records": self.records,
                                        "results": self.results}, indent=1, default=str))
            return path
        self.paths["csv"] = path = self.out_dir / "log.csv"
        keys = sorted({k for r in self.records for k in r}, key=lambda k: (k != "step", k))
        with path.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=keys)
            w.writeheader()
            w.writerows(self.records)
        if self.results:
            self.paths["results"] = self.out_dir / "results.json"
            self.paths["results"].write_text(json.dumps(self.results, indent=1, default=str))
        return path

    def plot(self, curves: Curves) -> Path | None:
        """Draw `curves` from the records into out_dir/curves.file; None (and no file) when no record has any
        of their keys."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=curves.size)
        styles = curves.styles or ("o-",) * len(curves.keys)
        labels = curves.labels or curves.keys
        drawn = False
        for key, style, label in zip(curves.keys, styles, labels, strict=True):
            pts = [(r["step"], r[key]) for r in self.records if key in r]
            if pts:
                ax.plot(*zip(*pts, strict=True), style, label=label, markersize=3)
                drawn = True
        if not drawn:
            plt.close(fig)
            return None
        ax.set_xlabel("step")
        if curves.ylabel:
            ax.set_ylabel(curves.ylabel)
        title = self.name if curves.title is None else curves.title
        if title:
            ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
        self.paths["png"] = path = self.out_dir / curves.file
        fig.tight_layout()
        fig.savefig(path, dpi=curves.dpi)
        plt.close(fig)
        return path

    def finish(self, results: dict[str, Any] | None = None, curves: Curves | None = None) -> dict[str, Any]:
        """The end of a run: keep `results` (with the CPU seconds used), save the log, draw `curves`, close
        wandb. Returns the results."""
        if results is not None:
            self.results = {**results, "cpu_seconds": round(self.cpu_seconds(), 1)}
        self.write()
        if curves is not None:
            self.plot(curves)
        if self.run is not None:
            self.run.finish()
        return self.results
