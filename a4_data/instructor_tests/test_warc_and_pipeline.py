"""WARC reading under every kind of damage, the pipeline end to end on demo WARC files with known ground truth,
its statistics and dropped samples, the CLIs, and the CS336 adapters. Resuming after a kill:
test_pipeline_resume.py; MinHash on datatrove: test_pipeline_minhash.py; Slurm and Ray: test_pipeline_scale.py."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from a4_data.cases.warc import make_pages
from a4_data.pipeline.definition import FILTER_STEPS
from a4_data.pipeline.demo_data import write_demo
from a4_data.pipeline.runner import PipelineConfig, run_pipeline
from a4_data.textgen.warcfile import warc_bytes
from a4_data.warc import iter_warc_documents

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("gzip", [True, False])
def test_every_cut_keeps_the_prefix_and_never_raises(tmp_path: Path, gzip: bool) -> None:
    pages = make_pages(np.random.default_rng(0), 4)
    data = warc_bytes(pages, gzip=gzip, requests=True)
    bodies = [p.body for p in pages]
    path = tmp_path / "cut.warc"
    for cut in range(0, len(data), 7):
        path.write_bytes(data[:cut])
        counts: Counter = Counter()
        docs = [d.content for d in iter_warc_documents(path, counts)]
        assert docs == bodies[: len(docs)], f"cut at {cut}: a damaged or reordered document"
        if len(docs) < len(bodies):
            # nothing complete before the cut is lost (gzip: a record whose member lost only its 8-byte
            # trailer is whole, and may come out)
            assert len(warc_bytes(pages[: len(docs) + 1], gzip=gzip, requests=True)) > cut, f"cut at {cut}"
    path.write_bytes(data)
    assert [d.content for d in iter_warc_documents(path)] == bodies


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("a4demo")
    write_demo(root / "warc", files=3, docs=30, seed=3)
    (root / "warc" / "zz-garbage.warc.gz").write_bytes(b"\x1f\x8b not really gzip")
    cfg = PipelineConfig(inputs=str(root / "warc"), out=root / "out", workers=2)
    run_pipeline(cfg, progress=False)
    return root / "warc", root / "out"


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]


def test_pipeline_drops_each_kind_where_the_manifest_expects(demo: tuple[Path, Path]) -> None:
    warc, out = demo
    manifest = _lines(warc / "manifest.jsonl")
    kept = {d["url"] for d in _lines(out / "kept.jsonl")}
    stats = json.loads((out / "stats.json").read_text())
    for m in manifest:
        if m["expected"] == "keep":
            assert m["url"] in kept, m
        elif m["expected"] != "read (corrupt_record)":
            assert m["url"] not in kept, m
    assert stats["read"]["corrupt_record"] >= 2  # the cut last record and the garbage file
    steps = {s["name"]: s for s in stats["steps"]}
    chain = [*FILTER_STEPS, "line_dedup", "minhash_dedup"]
    assert [s["name"] for s in stats["steps"] if s["name"] in chain] == chain
    assert steps["extract"]["docs_in"] == stats["read"]["documents"]
    for a, b in zip(chain, chain[1:], strict=False):
        assert steps[a]["docs_out"] == steps[b]["docs_in"], (a, b)
    assert steps["minhash_dedup"]["docs_out"] == len(kept) == stats["kept"]
    for name in chain:  # every document a step let through or dropped, counted once
        s = steps[name]
        dropped = sum(v for k, v in s["reasons"].items()
                      if name not in ("pii", "line_dedup") or k == "empty_after_line_dedup")
        assert s["docs_in"] - s["docs_out"] == dropped, (name, s)


def test_every_document_read_is_kept_or_dropped_with_its_reason(demo: tuple[Path, Path]) -> None:
    """Nothing is lost between steps: each document the reader yields is in kept.jsonl or, exactly once, in
    the dropped/ folder of the step that dropped it, with that step's reason."""
    warc, out = demo
    kept = [d["url"] for d in _lines(out / "kept.jsonl")]
    dropped: dict[str, str] = {}
    for f in sorted((out / "dropped").glob("*/*.jsonl")):
        for d in _lines(f):
            url = d["metadata"]["url"]
            assert url not in dropped, url
            dropped[url] = f.parent.name
    assert not set(kept) & set(dropped)
    read = json.loads((out / "stats.json").read_text())["read"]["documents"]
    assert len(kept) + len(dropped) == read
    by_kind = {m["url"]: m["kind"] for m in _lines(warc / "manifest.jsonl") if m["expected"] != "read (corrupt_record)"}
    assert {dropped[u] for u, k in by_kind.items() if k == "near_duplicate"} == {"minhash_dedup"}
    assert {dropped[u] for u, k in by_kind.items() if k == "foreign"} == {"language"}
    assert {dropped[u] for u, k in by_kind.items() if k == "huge_line"} == {"size"}


def test_pii_is_masked_in_every_kept_document(demo: tuple[Path, Path]) -> None:
    from a4_data.pii import mask_emails, mask_ips, mask_phone_numbers

    docs = _lines(demo[1] / "kept.jsonl")
    assert any("|||EMAIL_ADDRESS|||" in d["text"] for d in docs)
    for d in docs:
        assert mask_emails(d["text"])[1] == mask_phone_numbers(d["text"])[1] == mask_ips(d["text"])[1] == 0


def test_the_datatrove_pipeline_keeps_what_the_runner_before_it_kept(demo: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    """An independent path to the same answer: the pre-datatrove runner (a process pool, then the student's
    file-based dedup functions over everything) keeps the same documents with the same text, in order."""
    from a4_data.pipeline.legacy.runner import PipelineConfig as LegacyConfig
    from a4_data.pipeline.legacy.runner import run_pipeline as run_legacy

    warc, out = demo
    run_legacy(LegacyConfig(inputs=str(warc), out=tmp_path / "legacy", workers=1), progress=False)
    old = [(d["url"], d["text"]) for d in _lines(tmp_path / "legacy" / "kept.jsonl")]
    new = [(d["url"], d["text"]) for d in _lines(out / "kept.jsonl")]
    assert new == old


def test_a_student_function_that_raises_drops_the_document_not_the_task(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import a4_data.quality

    real = a4_data.quality.classify_quality

    def flaky(text: str) -> tuple[str, float]:
        if "museum" in text.lower():
            raise RuntimeError("simulated bug")
        return real(text)

    monkeypatch.setattr(a4_data.quality, "classify_quality", flaky)
    write_demo(tmp_path / "warc", files=1, docs=30, seed=5)
    run_pipeline(PipelineConfig(inputs=str(tmp_path / "warc"), out=tmp_path / "out", workers=1, minhash=False),
                 progress=False)
    stats = {s["name"]: s for s in json.loads((tmp_path / "out" / "stats.json").read_text())["steps"]}
    errors = stats["quality"]["reasons"].get("error:RuntimeError", 0)
    assert errors > 0
    dropped = _lines(tmp_path / "out" / "dropped" / "quality" / "00000.jsonl")
    assert sum(d["metadata"]["filter_reason"] == "error:RuntimeError" for d in dropped) == errors
    assert all("museum" not in d["text"].lower() for d in _lines(tmp_path / "out" / "kept.jsonl"))


def test_cli_help_and_clear_errors(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--inputs", str(tmp_path / "nope")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "demo_data" in run.stderr
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "--min-language-score" in run.stdout and "--executor" in run.stdout
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--num-hashes", "100", "--num-bands", "32"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "multiple of --num-bands" in run.stderr


def test_a_rerun_with_other_settings_is_refused_not_mixed(demo: tuple[Path, Path]) -> None:
    warc, out = demo
    with pytest.raises(ValueError, match="jaccard_threshold"):
        run_pipeline(PipelineConfig(inputs=str(warc), out=out, jaccard_threshold=0.7), progress=False)


def test_cs336_adapters(tmp_path: Path) -> None:
    from a4_data import cs336_adapters as ad

    assert ad.run_extract_text_from_html_bytes(b"<p>hi there</p>") == "hi there"
    assert ad.run_identify_language("The weather was cold this morning.")[0] == "en"
    assert ad.run_mask_emails("a@b.com") == ("|||EMAIL_ADDRESS|||", 1)
    assert ad.run_mask_phone_numbers("(555) 234-5678")[1] == 1
    assert ad.run_mask_ips("1.2.3.4")[1] == 1
    assert ad.run_classify_nsfw("the library opens at nine")[0] == "non-nsfw"
    assert ad.run_classify_toxic_speech("shut up you stupid idiot")[0] == "toxic"
    assert ad.run_classify_quality("Aldermoor is a small town in the north of the region.")[0] == "wiki"
    assert ad.run_gopher_quality_filter("too short") is False
    (tmp_path / "a.txt").write_text("x\ny\n")
    (tmp_path / "b.txt").write_text("x\nz\n")
    ad.run_exact_line_deduplication([tmp_path / "a.txt", tmp_path / "b.txt"], tmp_path / "o1")
    assert (tmp_path / "o1" / "a.txt").read_text() == "y\n"
    ad.run_minhash_deduplication([tmp_path / "a.txt", tmp_path / "b.txt"], 100, 10, 1, 0.9, tmp_path / "o2")
    assert sorted(p.name for p in (tmp_path / "o2").iterdir()) == ["a.txt", "b.txt"]
