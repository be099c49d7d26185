"""`python -m a2_systems.bench.pipeline_timeline [--out PATH] [--m M]`: draw the measured GPipe and 1F1B
timelines of a 2-stage pipeline (HANDOUT.md §7.4-§7.6) as a PNG, one row per rank, each action a box from its
recorded start to its end (pipeline_bench.measure: the runtime's events and times), forward F<i> light, backward
B<i> dark; the gaps are the bubble. The committed figure is a2_systems/bench/pipeline_timeline.png."""

from __future__ import annotations

import argparse
from pathlib import Path

from a2_systems.bench.pipeline_bench import FULL, measure

OUT = Path(__file__).with_name("pipeline_timeline.png")


def draw(runs: dict[str, list[dict]], p: int, m: int, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(runs), 1, figsize=(11, 1.2 + 0.9 * p * len(runs)), squeeze=False)
    for ax, (name, ranks) in zip(axes[:, 0], runs.items(), strict=True):
        t0 = min(e[2] for r in ranks for e in r["events"])
        for rank, r in enumerate(ranks):
            for kind, i, a, b in r["events"]:
                color = "#9ecae1" if kind == "forward" else "#3182bd"
                ax.barh(rank, (b - a) * 1e3, left=(a - t0) * 1e3, color=color, edgecolor="black", height=0.7)
                ax.text((a - t0 + (b - a) / 2) * 1e3, rank, f"{kind[0].upper()}{i}", ha="center", va="center",
                        fontsize=7)
        ax.set_yticks(range(p), [f"stage {s}" for s in range(p)])
        ax.invert_yaxis()
        theory = (p - 1) / (m + p - 1)
        measured = ", ".join(f"{r['bubble']:.2f}" for r in ranks)
        ax.set_title(f"{name}, P={p}, m={m}: wall-clock bubble per rank {measured} (theory {theory:.2f})",
                     fontsize=9)
        ax.set_xlabel("ms since the first action")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--m", type=int, default=4)
    args = ap.parse_args()
    runs = {name: measure(FULL, 2, sched, args.m) for sched, name in (("gpipe", "GPipe"), ("1f1b", "1F1B"))}
    draw(runs, 2, args.m, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
