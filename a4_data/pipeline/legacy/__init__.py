"""The pipeline before datatrove (a process pool over files, then line dedup and MinHash in the main process),
kept importable as the anchor of the pipeline benchmark (a4_data/bench/pipeline_bench.py). Not used by
`python -m a4_data.pipeline`."""
