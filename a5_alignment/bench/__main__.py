"""Run every a5 benchmark, print one table and write JSON (default out/bench/a5.json)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from shared.bench import table, write_json

MODULES = ("a5_alignment.bench.rollout_bench",)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m a5_alignment.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="the tiny model, 32 new tokens: seconds")
    p.add_argument("--only", choices=[m.rsplit(".", 1)[1] for m in MODULES], help="run one benchmark module")
    p.add_argument("--out", type=Path, default=Path("out/bench/a5.json"))
    args = p.parse_args(argv)
    rows = []
    for name in MODULES:
        if args.only and not name.endswith(args.only):
            continue
        rows += importlib.import_module(name).run(quick=args.quick)
    print(table(rows))
    write_json(rows, args.out, {"quick": args.quick})
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
