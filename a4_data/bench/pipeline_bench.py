"""Pipeline throughput: the datatrove pipeline (python -m a4_data.pipeline: LocalPipelineExecutor per stage)
on 2 workers beside the runner it replaced (a process pool over files, then line dedup and MinHash in the
main process, kept importable as a4_data/pipeline/legacy/ for this anchor) on 2 processes, on the same demo
WARC files: MB of WARC per second and documents read per second, end to end (process start, reading,
filters, dedup, writing). Then each datatrove step's documents per second of its own time (summed over
tasks) beside the whole pipeline's. Classifier models are cached first, so training is not timed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from a4_data.pipeline.demo_data import write_demo
from shared.bench import Row


def run(quick: bool) -> list[Row]:
    from a4_data.classifiers import model
    from a4_data.pipeline.legacy.runner import PipelineConfig as LegacyConfig
    from a4_data.pipeline.legacy.runner import run_pipeline as run_legacy
    from a4_data.pipeline.runner import PipelineConfig, _quiet, run_pipeline

    for name in ("nsfw", "toxic", "quality"):
        model(name)  # train (or load) once, so workers load the cached files
    _quiet()
    files, docs = (4, 25) if quick else (8, 80)
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        warc = Path(tmp) / "warc"
        write_demo(warc, files=files, docs=docs, seed=1)
        new = run_pipeline(PipelineConfig(inputs=str(warc), out=Path(tmp) / "datatrove", workers=2), progress=False)
        old = run_legacy(LegacyConfig(inputs=str(warc), out=Path(tmp) / "legacy", workers=2), progress=False)
        same = (Path(tmp) / "datatrove" / "kept.jsonl").read_text() and [
            (d["url"], d["text"]) for d in map(json.loads, (Path(tmp) / "datatrove" / "kept.jsonl").open())] == [
            (d["url"], d["text"]) for d in map(json.loads, (Path(tmp) / "legacy" / "kept.jsonl").open())]
    mb = new.input_bytes / 1e6
    read = new.read.get("documents", 0)
    anchor = "pre-datatrove runner, 2 processes (pipeline/legacy)"
    note = f"both keep {'the same' if same else 'DIFFERENT'} {new.kept} documents"
    rows = [Row(f"pipeline on datatrove, 2 workers ({files} files, {mb:.2f} MB of WARC)", mb / new.seconds, "MB/s",
                anchor, mb / old.seconds, True, note=note),
            Row(f"pipeline on datatrove, 2 workers ({read} documents read)", read / new.seconds, "docs/s", anchor,
                read / old.seconds, True, note="datatrove: 6 stages, 52 tasks, each with its logs and stats files")]
    for s in new.steps:
        if s.seconds > 0 and s.docs_in > 0:
            rows.append(Row(f"  step {s.name} (docs of its input per second of its time)", s.docs_in / s.seconds,
                            "docs/s", "whole datatrove pipeline, 2 workers", read / new.seconds, True))
    return rows
