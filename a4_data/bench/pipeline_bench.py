"""Pipeline throughput: the datatrove pipeline (python -m a4_data.pipeline: LocalPipelineExecutor per stage)
on 2 workers beside the runner it replaced (a process pool over files, then line dedup and MinHash in the
main process, kept importable as a4_data/pipeline/legacy/ for this anchor) on 2 processes, on the same WARC
files: MB of WARC per second and documents read per second, end to end (process start, reading, filters,
dedup, writing), and the fraction of the documents each keeps. Two inputs: the generated demo crawl, then the
real web corpus (python -m a4_data.pipeline --corpus real; `--quick`: 10 pages of each source). Then each
datatrove step's documents per second of its own time (summed over tasks) beside the whole pipeline's, on the
real corpus. Classifier models are cached and the real corpus built first, so neither is timed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from a4_data.pipeline.demo_data import write_demo
from shared.bench import Row

ANCHOR = "pre-datatrove runner, 2 processes (pipeline/legacy)"
QUICK_PAGES_PER_SOURCE = 10


def _kept(out: Path) -> list[tuple[str, str]]:
    with (out / "kept.jsonl").open(encoding="utf-8") as f:
        return [(d["url"], d["text"]) for d in map(json.loads, f)]


def compare(inputs: Path, label: str, tmp: Path) -> tuple[list[Row], object]:
    """Both runners over the same files; rows of MB/s, docs/s and kept fraction, and datatrove's result."""
    from a4_data.pipeline.legacy.runner import PipelineConfig as LegacyConfig
    from a4_data.pipeline.legacy.runner import run_pipeline as run_legacy
    from a4_data.pipeline.runner import PipelineConfig, run_pipeline

    new = run_pipeline(PipelineConfig(inputs=str(inputs), out=tmp / "datatrove", workers=2), progress=False)
    old = run_legacy(LegacyConfig(inputs=str(inputs), out=tmp / "legacy", workers=2), progress=False)
    same = _kept(tmp / "datatrove") == _kept(tmp / "legacy")
    mb, read = new.input_bytes / 1e6, new.read.get("documents", 0)
    old_read = old.read.get("documents", 0)
    tasks = sum(new.tasks_run.values())
    return [Row(f"pipeline on datatrove, 2 workers, {label} ({len(new.files)} files, {mb:.2f} MB)", mb / new.seconds,
                "MB/s", ANCHOR, mb / old.seconds, True,
                note=f"both keep {'the same' if same else 'DIFFERENT'} {new.kept} documents"),
            Row(f"pipeline on datatrove, 2 workers, {label} ({read} documents read)", read / new.seconds, "docs/s",
                ANCHOR, read / old.seconds, True,
                note=f"datatrove: {len(new.tasks_run)} stages, {tasks} tasks, each with its logs and stats files"),
            # a check, not a race: the fraction is the filters' doing, and both runners run the same filters
            Row(f"  documents kept, {label} ({new.kept} of {read})", new.kept / read, "fraction", ANCHOR,
                old.kept / old_read, True)], new


def run(quick: bool) -> list[Row]:
    from a4_data.classifiers import model
    from a4_data.pipeline.real_data import cached_corpus
    from a4_data.pipeline.runner import _quiet

    for name in ("nsfw", "toxic", "quality"):
        model(name)  # train (or load) once, so workers load the cached files
    real = cached_corpus(QUICK_PAGES_PER_SOURCE if quick else None)
    _quiet()
    files, docs = (4, 25) if quick else (8, 80)
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        warc = Path(tmp) / "warc"
        write_demo(warc, files=files, docs=docs, seed=1)
        rows, _ = compare(warc, "demo crawl", Path(tmp) / "demo")
        real_rows, new = compare(real, "real corpus" + (" (10 pages a source)" if quick else ""), Path(tmp) / "real")
    rows += real_rows
    read = new.read.get("documents", 0)
    for s in new.steps:
        if s.seconds > 0 and s.docs_in > 0:
            rows.append(Row(f"  step {s.name}, real corpus (docs of its input per second of its time)",
                            s.docs_in / s.seconds, "docs/s", "whole datatrove pipeline, 2 workers", read / new.seconds,
                            True))
    return rows
