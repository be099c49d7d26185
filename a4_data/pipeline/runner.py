"""Running the pipeline definition on this machine: one datatrove `LocalPipelineExecutor` per stage, `workers`
tasks at once, then kept.jsonl and stats.json.

Resumable: each stage's executor writes a completion marker per finished task (`logs/<stage>/completions/`)
and skips marked tasks when run again, so a killed run, rerun with the same command, redoes only the tasks
that had not finished; a finished task's outputs are complete (a task is marked after its writers closed).
`<out>/run.json` records the settings and input files: a rerun with others is refused, not mixed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from a4_data.pipeline.config import PipelineConfig, check_fingerprint, input_files
from a4_data.pipeline.definition import Stage, kept_folder, stages

SAMPLE_CHARS = 200


@dataclass
class StepStats:
    """One row of the report, merged over the tasks of its stage from datatrove's per-task stats files."""

    name: str
    stage: str
    docs_in: int = 0
    docs_out: int = 0
    chars_out: int = 0
    reasons: Counter = field(default_factory=Counter)  # dropped_<reason> -> count; other counters beside them
    seconds: float = 0.0
    samples: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "stage": self.stage, "docs_in": self.docs_in, "docs_out": self.docs_out,
                "chars_out": self.chars_out, "reasons": dict(self.reasons.most_common()),
                "seconds": round(self.seconds, 4), "samples": self.samples}


@dataclass
class PipelineResult:
    files: list[dict]
    steps: list[StepStats]
    read: Counter
    kept: int
    input_bytes: int
    seconds: float
    out: Path
    tasks_run: dict[str, int]  # stage -> tasks run by this invocation (a resumed run skips completed ones)


def executor(stage: Stage, cfg: PipelineConfig, out: Path):
    from datatrove.executor import LocalPipelineExecutor

    # fork on Linux: the workers inherit the models loaded by warm_up instead of each loading its own
    method = "fork" if sys.platform == "linux" else "spawn"
    return LocalPipelineExecutor(stage.steps, tasks=stage.tasks, workers=min(cfg.workers, stage.tasks),
                                 logging_dir=str(out / "logs" / stage.name), start_method=method)


def run_pipeline(cfg: PipelineConfig, progress: bool = True) -> PipelineResult:
    start = time.perf_counter()
    files = input_files(cfg.inputs)
    out = cfg.out.resolve()
    check_fingerprint(out, cfg.fingerprint(files))
    if not progress:
        _quiet()
    warm_up(cfg)
    tasks_run = {}
    for stage in stages(cfg, files, out):
        ex = executor(stage, cfg, out)
        todo = ex.get_incomplete_ranks()
        tasks_run[stage.name] = len(todo)
        if progress:
            print(f"stage {stage.name}: {len(todo)} of {stage.tasks} tasks to run", flush=True)
        ex.run()
        if left := ex.get_incomplete_ranks():
            raise RuntimeError(f"stage {stage.name}: tasks {left} did not finish (logs: {out / 'logs' / stage.name}); "
                               f"rerun the same command to resume")
    return finish(cfg, files, out, time.perf_counter() - start, tasks_run)


def finish(cfg: PipelineConfig, files: list[Path], out: Path, seconds: float,
           tasks_run: dict[str, int]) -> PipelineResult:
    """kept.jsonl (the kept shards in task order, one flat JSON object per document) and stats.json, both
    written atomically: cheap, so a rerun always rewrites them."""
    from a4_data.pipeline.dedup import read_shard

    docs = [d for r in range(len(files)) for d in read_shard(str(kept_folder(cfg, out)), r)]
    # file_path: where a JsonlReader of some stage found the document, a path of this run, not the document's
    lines = (json.dumps({"id": d["id"], **{k: v for k, v in d.get("metadata", {}).items() if k != "file_path"},
                         "text": d["text"]}, ensure_ascii=False) + "\n" for d in docs)
    _atomic_write(out / "kept.jsonl", "".join(lines))
    steps, read = collect_stats(cfg, out)
    file_rows = [{"file": f.name, "bytes": f.stat().st_size} for f in files]
    result = PipelineResult(file_rows, steps, read, len(docs), sum(r["bytes"] for r in file_rows), seconds, out,
                            tasks_run)
    _atomic_write(out / "stats.json", json.dumps(
        {"files": file_rows, "read": dict(read), "steps": [s.to_dict() for s in steps], "kept": len(docs),
         "input_bytes": result.input_bytes, "seconds": round(seconds, 3), "tasks_run": tasks_run},
        indent=2, ensure_ascii=False))
    return result


# the report's row for each step that counts documents (the others: readers, writers, signatures, buckets)
ROW_NAMES = {"extract", "size", "language", "gopher", "harmful", "quality", "pii", "line_dedup",
             "minhash_cluster", "🎯 MinHash stage 4"}


def collect_stats(cfg: PipelineConfig, out: Path) -> tuple[list[StepStats], Counter]:
    """Sum datatrove's per-task stats files (`logs/<stage>/stats/<task>.json`, one per completed task, kept
    across resumed runs; a counter is a number, or a dict whose `total` is the sum) per step."""
    rows, read = [], Counter()
    for stage in sorted((out / "logs").iterdir(), key=_stage_order):
        merged: dict[str, Counter] = {}
        seconds: Counter = Counter()
        for f in sorted((stage / "stats").glob("*.json")):
            for st in json.loads(f.read_text(encoding="utf-8")):
                name = st["name"].split(": ", 1)[-1]
                c = merged.setdefault(name, Counter())
                for k, v in st["stats"].items():
                    c[k] += v["total"] if isinstance(v, dict) else v
                t = st.get("time_stats", 0.0)
                seconds[name] += t["total"] if isinstance(t, dict) else t
        for name, counts in merged.items():
            if name.startswith("🕷"):
                read.update({k.removeprefix("read_"): int(v) for k, v in counts.items() if k.startswith("read_")})
            if name not in ROW_NAMES:
                continue
            label = "minhash_dedup" if name.startswith("🎯") else name
            row = StepStats(label, stage.name, int(counts.get("total", 0)), int(counts.get("forwarded", 0)),
                            int(counts.get("doc_len", 0)), seconds=float(seconds[name]))
            for k, v in counts.items():
                if k not in ("total", "forwarded", "dropped", "doc_len", "doc_len_tokens"):
                    row.reasons[k.removeprefix("dropped_")] += int(v)
            if label == "minhash_dedup":
                row.reasons["near_duplicate"] += int(counts.get("dropped", 0))
            if label == "minhash_cluster":
                row.docs_in = row.docs_out = 0  # it counts pairs, not documents
            row.samples = _samples(out / "dropped" / label, cfg.samples)
            rows.append(row)
    return rows, read


def _stage_order(p: Path) -> int:
    order = ["filter", "line_dedup", "minhash_signatures", "minhash_buckets", "minhash_cluster", "minhash_filter"]
    return order.index(p.name) if p.name in order else len(order)


_REASON = {"minhash_dedup": "near_duplicate", "line_dedup": "empty_after_line_dedup"}  # steps that set no reason


def _samples(folder: Path, n: int) -> list[dict]:
    out: list[dict] = []
    for f in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if len(out) >= n:
                    return out
                d = json.loads(line)
                meta = d.get("metadata", {})
                reason = meta.get("filter_reason", _REASON.get(folder.name, folder.name))
                out.append({"url": meta.get("url", d.get("id")), "reason": reason,
                            "text": d.get("text", "")[:SAMPLE_CHARS]})
    return out


def warm_up(cfg: PipelineConfig) -> None:
    """Load every model once in this process (forked workers share them) and fail early on a broken one."""
    from datatrove.data import Document

    from a4_data.minhash import shingles
    from a4_data.pipeline.definition import per_document_steps

    for step in per_document_steps(cfg, Path(os.devnull))[1:]:
        step.filter(Document(text="warm up " * 60, id="warm-up"))
    shingles("warm up", 1)  # the student's normalisation may build a table on first use: once, before forking


def _quiet() -> None:
    """datatrove logs each task at INFO on stderr; the tests and the bench want warnings only. Each task sets up
    its own logger when it starts (add_task_logger: stderr at INFO for local rank 0, its log file at DEBUG), so
    that is wrapped too: its task runs as a non-zero local rank would, errors only on stderr, the whole log kept
    in logs/<stage>/logs/task_*.log (a bench's 100 tasks printed ~1,300 lines of stats otherwise)."""
    from datatrove.executor import base as dt_base
    from datatrove.utils import logging as dt_logging

    def setup() -> None:
        dt_logging.logger.remove()
        dt_logging.logger.add(sys.stderr, level="WARNING")

    task_logger = getattr(dt_logging.add_task_logger, "__wrapped__", dt_logging.add_task_logger)

    def quiet_task_logger(logging_dir: Any, rank: int, local_rank: int = 0, node_rank: int = -1) -> Any:
        return task_logger(logging_dir, rank, local_rank=max(local_rank, 1), node_rank=node_rank)

    quiet_task_logger.__wrapped__ = task_logger  # type: ignore[attr-defined]
    dt_logging.setup_default_logger = setup
    dt_logging.add_task_logger = quiet_task_logger
    dt_base.add_task_logger = quiet_task_logger  # base.py imported the name
    setup()


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
