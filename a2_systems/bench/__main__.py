"""Run every a2 CPU benchmark, print one table and write JSON (default out/bench/a2.json).

The GPU benchmark is a separate script for a lent GPU machine: see HANDOUT.md §5.
"""

from shared.bench import main

MODULES = ("a2_systems.bench.flash_bench", "a2_systems.bench.ddp_bench", "a2_systems.bench.allreduce_bench",
           "a2_systems.bench.inference_bench", "a2_systems.bench.tp_fsdp_bench",
           "a2_systems.bench.pipeline_bench")

if __name__ == "__main__":
    raise SystemExit(main("a2_systems", MODULES, __doc__))
