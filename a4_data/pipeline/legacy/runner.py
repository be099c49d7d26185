"""Running the pipeline: per-file filtering in a process pool, then cross-document deduplication.

Stage 1 (one task per WARC/WET file, `workers` processes): read records, extract text, run the per-document
steps, append every kept document to `<out>/shards/<file>.jsonl.partial` as it is kept (one complete JSON line
per write, flushed), and rename the shard to `.jsonl` when the file is done. A crash loses nothing already
written: finished shards are complete, and the partial shard of an interrupted file holds whole lines.
Stage 2 (main process): exact line dedup (boilerplate lines repeated across documents), then MinHash
near-dedup over all kept documents (one per cluster, the first in input order), through the student's
file-based functions. `<out>/kept.jsonl` and `<out>/stats.json` are written atomically (temp file + rename).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from a4_data.pipeline.legacy.filters import (
    GopherFilter,
    HarmfulFilter,
    LanguageFilter,
    PIIMasker,
    QualityFilter,
    SizeFilter,
)
from a4_data.pipeline.legacy.steps import Document, Step, StepStats

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")


@dataclass(frozen=True)
class PipelineConfig:
    """Filter WARC/WET files into JSONL: language, Gopher rules, harmful content, quality, PII, dedup."""

    inputs: str = field(default="out/a4/warc", metadata={"help": "a folder of .warc[.gz]/.wet[.gz] files, or one file"})
    out: Path = field(default=Path("out/a4/filtered"), metadata={"help": "output folder (kept.jsonl, stats.json)"})
    workers: int = field(default=2, metadata={"help": "processes for stage 1 (one file per task)"})
    languages: str = field(default="en", metadata={"help": "comma-separated lid.176 codes to keep"})
    min_language_score: float = field(default=0.6, metadata={"help": "lid.176 probability needed to keep"})
    harmful_threshold: float = field(default=0.8, metadata={"help": "NSFW/toxic probability that drops"})
    quality_threshold: float = field(default=0.5, metadata={"help": "'cc' probability that drops"})
    max_line_chars: int = field(default=20_000, metadata={"help": "a longer line drops the document"})
    minhash: bool = field(default=True, metadata={"help": "near-duplicate removal across all files"})
    line_dedup: bool = field(default=True, metadata={"help": "remove lines repeated across documents"})
    num_hashes: int = field(default=128, metadata={"help": "MinHash signature length"})
    num_bands: int = field(default=32, metadata={"help": "LSH bands (num_hashes must be a multiple)"})
    ngrams: int = field(default=5, metadata={"help": "word n-gram shingle size"})
    jaccard_threshold: float = field(default=0.8, metadata={"help": "near-duplicate threshold"})
    samples: int = field(default=2, metadata={"help": "dropped documents shown per step"})


def build_steps(cfg: PipelineConfig) -> list[Step]:
    return [SizeFilter(max_line_chars=cfg.max_line_chars),
            LanguageFilter(tuple(x.strip() for x in cfg.languages.split(",") if x.strip()), cfg.min_language_score),
            GopherFilter(), HarmfulFilter(cfg.harmful_threshold), QualityFilter(cfg.quality_threshold), PIIMasker()]


def input_files(inputs: str) -> list[Path]:
    p = Path(inputs)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise FileNotFoundError(f"{inputs}: no such file or folder (make demo WARC files with "
                                f"`python -m a4_data.pipeline.demo_data --out {inputs}`)")
    files = sorted(f for f in p.iterdir() if f.name.endswith(WARC_SUFFIXES))
    if not files:
        raise FileNotFoundError(f"{inputs}: no {'/'.join(WARC_SUFFIXES)} files in this folder")
    return files


def process_file(path: str, shard_dir: str, cfg: PipelineConfig) -> dict:
    """Stage 1 for one file (runs in a worker). Returns JSON-ready stats."""
    from a4_data.extract import extract_text_from_html_bytes
    from a4_data.warc import iter_warc_documents

    start = time.perf_counter()
    steps = build_steps(cfg)
    read_counts: Counter = Counter()
    extract = StepStats("extract")
    shard = Path(shard_dir) / (Path(path).name + ".jsonl")
    partial = shard.with_name(shard.name + ".partial")
    kept = 0
    with partial.open("w", encoding="utf-8") as out:
        for rec in iter_warc_documents(path, read_counts):
            extract.docs_in += 1
            extract.bytes_in += len(rec.content)
            try:
                if rec.record_type == "conversion":
                    text = rec.content.decode("utf-8", errors="replace")
                else:
                    text = extract_text_from_html_bytes(rec.content)
            except Exception as e:  # noqa: BLE001 - undecodable or malformed HTML: counted, never fatal
                text, reason = None, f"error:{type(e).__name__}"
            else:
                reason = "no_text"
                if text is not None and _garbled(text):
                    text, reason = None, "undecodable"
            if text is None:
                extract.reasons[reason] += 1
                if len(extract.samples) < cfg.samples:
                    extract.samples.append({"url": rec.url, "reason": reason, "text": rec.content[:120].decode(
                        "utf-8", errors="replace")})
                continue
            doc: Document | None = Document(rec.url, text, Path(path).name)
            extract.docs_out += 1
            extract.bytes_out += doc.nbytes
            for step in steps:
                doc = step.process(doc)
                if doc is None:
                    break
            if doc is not None:
                out.write(json.dumps({"url": doc.url, "source": doc.source, "text": doc.text, **doc.metadata},
                                     ensure_ascii=False) + "\n")
                out.flush()
                kept += 1
    os.replace(partial, shard)
    extract.seconds = time.perf_counter() - start - sum(s.stats.seconds for s in steps)
    return {"file": Path(path).name, "bytes": Path(path).stat().st_size, "read": dict(read_counts), "kept": kept,
            "shard": str(shard), "steps": [extract.to_dict()] + [s.stats.to_dict() for s in steps]}


@dataclass
class PipelineResult:
    files: list[dict]
    steps: list[StepStats]
    read: Counter
    kept: int
    input_bytes: int
    seconds: float
    out: Path


def run_pipeline(cfg: PipelineConfig, progress: bool = True) -> PipelineResult:
    start = time.perf_counter()
    files = input_files(cfg.inputs)
    shard_dir = cfg.out / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    if cfg.workers <= 1:
        for f in files:
            results.append(_safe(f, shard_dir, cfg))
            _progress(progress, results[-1], len(results), len(files))
    else:
        ctx = get_context("fork" if sys.platform == "linux" else "spawn")
        if ctx.get_start_method() == "fork":
            _warm_up(cfg)  # forked workers inherit the loaded models instead of each loading its own
        with ProcessPoolExecutor(cfg.workers, mp_context=ctx) as pool:
            futures = {pool.submit(process_file, str(f), str(shard_dir), cfg): f for f in files}
            for fut in as_completed(futures):
                try:
                    results.append(fut.result())
                except Exception as e:  # noqa: BLE001 - a worker that died on one file: that file is counted, the rest go on
                    results.append(_failed(futures[fut], e))
                _progress(progress, results[-1], len(results), len(files))
    results.sort(key=lambda r: r["file"])
    merged: dict[str, StepStats] = {}
    read: Counter = Counter()
    for r in results:
        read.update(r["read"])
        for s in r["steps"]:
            merged.setdefault(s["name"], StepStats(s["name"])).merge(StepStats.from_dict(s))
    docs = [json.loads(line) for r in results if r.get("shard")
            for line in Path(r["shard"]).read_text(encoding="utf-8").splitlines() if line]
    steps = list(merged.values())
    # line dedup first: a site's navigation and footer lines would otherwise hide near-duplicate articles
    if cfg.line_dedup:
        docs, stats = _line_dedup_stage(docs, cfg)
        steps.append(stats)
    if cfg.minhash:
        docs, stats = _minhash_stage(docs, cfg)
        steps.append(stats)
    _atomic_write(cfg.out / "kept.jsonl", "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    result = PipelineResult(results, steps, read, len(docs), sum(r["bytes"] for r in results),
                            time.perf_counter() - start, cfg.out)
    _atomic_write(cfg.out / "stats.json", json.dumps(
        {"files": results, "read": dict(read), "steps": [s.to_dict() for s in steps], "kept": len(docs),
         "input_bytes": result.input_bytes, "seconds": round(result.seconds, 3)}, indent=2, ensure_ascii=False))
    return result


def _garbled(text: str, limit: float = 0.1) -> bool:
    """More than `limit` of the characters are replacement characters or control codes: binary data or a
    wrongly declared encoding, not text."""
    bad = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in "\n\t\r"))
    return bad > limit * len(text)


def _warm_up(cfg: PipelineConfig) -> None:
    doc = Document("warm-up", "warm up " * 60, "warm-up")
    for step in build_steps(cfg):
        step.process(doc)


def _safe(f: Path, shard_dir: Path, cfg: PipelineConfig) -> dict:
    try:
        return process_file(str(f), str(shard_dir), cfg)
    except Exception as e:  # noqa: BLE001 - one file's failure is that file's result
        return _failed(f, e)


def _failed(f: Path, e: Exception) -> dict:
    return {"file": f.name, "bytes": f.stat().st_size if f.exists() else 0,
            "read": {f"file_error:{type(e).__name__}": 1}, "kept": 0, "shard": None, "steps": []}


def _progress(on: bool, r: dict, done: int, total: int) -> None:
    if on:
        print(f"[{done}/{total}] {r['file']}: {r['kept']} kept", flush=True)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_docs(folder: Path, docs: list[dict]) -> list[str]:
    paths = []
    for i, d in enumerate(docs):
        p = folder / f"{i:08d}.txt"
        p.write_text(d["text"], encoding="utf-8")
        paths.append(str(p))
    return paths


def _minhash_stage(docs: list[dict], cfg: PipelineConfig) -> tuple[list[dict], StepStats]:
    from a4_data.minhash import minhash_deduplication

    t0 = time.perf_counter()
    stats = StepStats("minhash_dedup", docs_in=len(docs), bytes_in=sum(len(d["text"].encode()) for d in docs))
    with tempfile.TemporaryDirectory(prefix="a4-pipeline-") as tmp:
        paths = _write_docs(Path(tmp), docs)
        minhash_deduplication(paths, cfg.num_hashes, cfg.num_bands, cfg.ngrams, cfg.jaccard_threshold,
                              Path(tmp) / "out")
        kept = {p.name for p in (Path(tmp) / "out").iterdir()}
    out = []
    for p, d in zip(paths, docs, strict=True):
        if Path(p).name in kept:
            out.append(d)
        else:
            stats.reasons["near_duplicate"] += 1
            if len(stats.samples) < cfg.samples:
                stats.samples.append({"url": d["url"], "reason": "near_duplicate", "text": d["text"][:200]})
    stats.docs_out, stats.bytes_out = len(out), sum(len(d["text"].encode()) for d in out)
    stats.seconds = time.perf_counter() - t0
    return out, stats


def _line_dedup_stage(docs: list[dict], cfg: PipelineConfig) -> tuple[list[dict], StepStats]:
    from a4_data.dedup_exact import exact_line_deduplication

    t0 = time.perf_counter()
    stats = StepStats("line_dedup", docs_in=len(docs), bytes_in=sum(len(d["text"].encode()) for d in docs))
    out = []
    with tempfile.TemporaryDirectory(prefix="a4-pipeline-") as tmp:
        paths = _write_docs(Path(tmp), docs)
        exact_line_deduplication(paths, Path(tmp) / "out")
        for d, p in zip(docs, paths, strict=True):
            text = (Path(tmp) / "out" / Path(p).name).read_text(encoding="utf-8")
            removed = len(d["text"].split("\n")) - len(text.split("\n"))
            stats.reasons["lines_removed"] += max(0, removed)
            if not text.strip():
                stats.reasons["empty_after_line_dedup"] += 1
                continue
            out.append({**d, "text": text})
    stats.docs_out, stats.bytes_out = len(out), sum(len(d["text"].encode()) for d in out)
    stats.seconds = time.perf_counter() - t0
    return out, stats
