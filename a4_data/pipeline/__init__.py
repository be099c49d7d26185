"""The filtering pipeline: WARC/WET files in, kept documents out as JSONL, with per-step statistics.

steps.py    the Step base class (stats for free), Document
filters.py  one small class per filter, thresholds as constructor defaults
runner.py   per-file work in a process pool, incremental JSONL shards, then cross-document deduplication
__main__.py the CLI: python -m a4_data.pipeline --inputs DIR --out DIR
demo_data.py writes demo WARC files with known ground truth: python -m a4_data.pipeline.demo_data
"""
