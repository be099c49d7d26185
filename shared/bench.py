"""Benchmarks: each figure measured beside its anchor in the same run, reported as a ratio, written as JSON.

A benchmark module exposes `run(quick: bool) -> list[Row]`; `python -m <assignment>.bench` runs them all and
prints one table. Absolute times are reported but never judged: machines are shared and noisy, so a goal is
always a ratio against an anchor measured side by side.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    name: str  # what is measured, e.g. "BPE train 5 MB / vocab 10k"
    value: float  # our figure
    unit: str  # "s", "tokens/s", "MB", "bits/byte"
    anchor: str  # what it is compared with, e.g. "HF tokenizers BpeTrainer"
    anchor_value: float
    higher_is_better: bool
    goal: float | None = None  # the ratio (ours relative to the anchor, "better" direction) we aim for
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times better than the anchor (>1 is better), whatever the direction of the figure."""
        if self.value == 0 or self.anchor_value == 0:
            return float("nan")
        return self.value / self.anchor_value if self.higher_is_better else self.anchor_value / self.value

    @property
    def meets_goal(self) -> bool | None:
        return None if self.goal is None else self.ratio >= self.goal


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` wall-clock runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def table(rows: list[Row]) -> str:
    head = ("benchmark", "ours", "anchor", "anchor value", "ratio", "goal")
    body = [(r.name, f"{r.value:.4g} {r.unit}", r.anchor, f"{r.anchor_value:.4g} {r.unit}", f"{r.ratio:.3g}x",
             "-" if r.goal is None else f">= {r.goal:.3g}x {'ok' if r.meets_goal else 'MISSED'}") for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [head, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("ratio: how many times better than the anchor (above 1 is better), measured in the same run")
    return "\n".join(lines)


def write_json(rows: list[Row], path: Path, extra: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
            "rows": [{**asdict(r), "ratio": r.ratio, "meets_goal": r.meets_goal} for r in rows], **(extra or {})}
    path.write_text(json.dumps(data, indent=2))


def main(package: str, modules: tuple[str, ...], description: str, argv: list[str] | None = None,
         quick_help: str = "small sizes: seconds, for a smoke test") -> int:
    """`python -m <package>.bench`: run each module's `run(quick)`, print one table, write JSON (default
    out/bench/<assignment id>.json, the id being the package name's prefix, e.g. a1)."""
    import argparse
    import importlib

    aid = package.split("_", 1)[0]
    p = argparse.ArgumentParser(prog=f"python -m {package}.bench", description=description)
    p.add_argument("--quick", action="store_true", help=quick_help)
    p.add_argument("--only", choices=[m.rsplit(".", 1)[1] for m in modules], help="run one benchmark module")
    p.add_argument("--out", type=Path, default=Path(f"out/bench/{aid}.json"))
    args = p.parse_args(argv)
    rows: list[Row] = []
    for name in modules:
        if args.only and not name.endswith(args.only):
            continue
        rows += importlib.import_module(name).run(quick=args.quick)
    print(table(rows))
    write_json(rows, args.out, {"quick": args.quick})
    print(f"written: {args.out}")
    return 0
