"""Run every a1 benchmark, print one table and write JSON (default out/bench/a1.json)."""

from shared.bench import main

MODULES = ("a1_basics.bench.tokenizer_bench", "a1_basics.bench.training_bench", "a1_basics.bench.quality_bench",
           "a1_basics.bench.attention_bench")

if __name__ == "__main__":
    raise SystemExit(main("a1_basics", MODULES, __doc__))
