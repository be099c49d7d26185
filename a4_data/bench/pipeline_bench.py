"""Pipeline throughput in MB of WARC per second: the whole pipeline on 2 processes beside 1 process (the
anchor), and each step's throughput (MB of its input per second of its own time, summed over workers), beside
the whole pipeline's. Input: demo WARC files from pipeline/demo_data.py. Classifier models are cached first,
so training is not timed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from a4_data.pipeline.demo_data import write_demo
from a4_data.pipeline.runner import PipelineConfig, run_pipeline
from shared.bench import Row


def run(quick: bool) -> list[Row]:
    from a4_data.classifiers import model

    for name in ("nsfw", "toxic", "quality"):
        model(name)  # train (or load) once, so workers load the cached files
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        files, docs = (4, 25) if quick else (8, 80)
        write_demo(Path(tmp) / "warc", files=files, docs=docs, seed=1)
        results = {}
        for workers in (2, 1):
            cfg = PipelineConfig(inputs=str(Path(tmp) / "warc"), out=Path(tmp) / f"out{workers}", workers=workers)
            results[workers] = run_pipeline(cfg, progress=False)
    two, one = results[2], results[1]
    mb = two.input_bytes / 1e6
    rows = [Row(f"pipeline, 2 processes ({files} files, {mb:.2f} MB of WARC, {two.kept} kept)", mb / two.seconds,
                "MB/s", "the same on 1 process", mb / one.seconds, True,
                note="end to end: process start, reading, filters, dedup, writing")]
    for s in one.steps:
        if s.seconds > 0 and s.bytes_in > 0:
            rows.append(Row(f"  step {s.name} (1 process, MB of its input)", s.bytes_in / 1e6 / s.seconds, "MB/s",
                            "whole pipeline, 1 process", mb / one.seconds, True))
    return rows
