"""Resumable: `python -m a4_data.pipeline` killed for real mid-run (SIGKILL to its whole process group, the
pool workers included) and rerun redoes only the tasks without a completion marker, leaves finished tasks'
outputs untouched, and ends with exactly what an uninterrupted run keeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from a4_data.pipeline.definition import FILTER_STEPS
from a4_data.pipeline.demo_data import write_demo

ROOT = Path(__file__).resolve().parents[2]
FILES = 8


def _cli(warc: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "a4_data.pipeline", "--inputs", str(warc), "--out", str(out), "--workers", "2"]


def _snapshot(out: Path, ranks: list[int]) -> dict[str, tuple[int, bytes]]:
    """mtime and bytes of every file a finished filter task wrote: its shard and its dropped documents."""
    paths = [out / "filtered" / f"{r:05d}.jsonl" for r in ranks]
    paths += [p for r in ranks for step in FILTER_STEPS for p in (out / "dropped" / step).glob(f"{r:05d}.jsonl")]
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in paths}


def test_killed_mid_run_then_rerun_redoes_only_unfinished_tasks(tmp_path: Path) -> None:
    warc, out = tmp_path / "warc", tmp_path / "out"
    write_demo(warc, files=FILES, docs=20, seed=11)
    done_dir = out / "logs" / "filter" / "completions"
    proc = subprocess.Popen(_cli(warc, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not (done_dir.is_dir() and any(done_dir.iterdir())):
            assert proc.poll() is None, "the pipeline ended before any task finished"
            assert time.monotonic() < deadline, "no filter task finished in 240 s"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its pool workers, mid-task
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    done = sorted(int(p.name) for p in done_dir.iterdir())
    assert 1 <= len(done) < FILES, f"the kill came too late to test anything: {done}"
    assert not (out / "kept.jsonl").exists()
    before = _snapshot(out, done)

    rerun = subprocess.run(_cli(warc, out), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    stats = json.loads((out / "stats.json").read_text())
    assert stats["tasks_run"]["filter"] == FILES - len(done)  # only the unfinished ones ran again
    assert f"Skipping {len(done)} already completed tasks" in rerun.stderr
    assert _snapshot(out, done) == before  # finished tasks' outputs were not rewritten
    assert sorted(int(p.name) for p in done_dir.iterdir()) == list(range(FILES))

    fresh = subprocess.run(_cli(warc, tmp_path / "fresh"), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert (out / "kept.jsonl").read_text() == (tmp_path / "fresh" / "kept.jsonl").read_text()
    a = json.loads((tmp_path / "fresh" / "stats.json").read_text())
    assert [(s["name"], s["docs_in"], s["docs_out"]) for s in stats["steps"]] == \
        [(s["name"], s["docs_in"], s["docs_out"]) for s in a["steps"]]  # the merged per-task stats too
    manifest = [json.loads(x) for x in (warc / "manifest.jsonl").read_text().splitlines()]
    kept = {json.loads(x)["url"] for x in (out / "kept.jsonl").read_text().splitlines()}
    assert all(m["url"] in kept for m in manifest if m["expected"] == "keep")
