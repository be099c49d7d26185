"""Run every a4 benchmark, print one table and write JSON (default out/bench/a4.json)."""

from shared.bench import main

MODULES = ("a4_data.bench.minhash_bench", "a4_data.bench.datatrove_bench", "a4_data.bench.pipeline_bench",
           "a4_data.bench.langid_bench", "a4_data.bench.classifiers_bench")

if __name__ == "__main__":
    raise SystemExit(main("a4_data", MODULES, __doc__))
