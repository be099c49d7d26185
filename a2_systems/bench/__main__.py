"""Run every a2 CPU benchmark, print one table and write JSON (default out/bench/a2.json).

The GPU benchmark is a separate script for a lent GPU machine: see HANDOUT.md §5.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from shared.bench import table, write_json

MODULES = ("a2_systems.bench.flash_bench", "a2_systems.bench.ddp_bench", "a2_systems.bench.allreduce_bench",
           "a2_systems.bench.inference_bench", "a2_systems.bench.tp_fsdp_bench")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m a2_systems.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes: seconds, for a smoke test")
    p.add_argument("--only", choices=[m.rsplit(".", 1)[1] for m in MODULES], help="run one benchmark module")
    p.add_argument("--out", type=Path, default=Path("out/bench/a2.json"))
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
