"""Run every a5 benchmark, print one table and write JSON (default out/bench/a5.json)."""

from shared.bench import main

MODULES = ("a5_alignment.bench.rollout_bench",)

if __name__ == "__main__":
    raise SystemExit(main("a5_alignment", MODULES, __doc__, quick_help="the tiny model, 32 new tokens: seconds"))
