"""WARC reading under every kind of damage, the pipeline end to end on demo WARC files with known ground truth,
its crash safety, the CLIs, and the CS336 adapters."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from a4_data.cases.warc import make_pages
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


def test_pipeline_drops_each_kind_where_the_manifest_expects(demo: tuple[Path, Path]) -> None:
    warc, out = demo
    manifest = [json.loads(x) for x in (warc / "manifest.jsonl").read_text().splitlines()]
    kept = {json.loads(x)["url"] for x in (out / "kept.jsonl").read_text().splitlines()}
    stats = json.loads((out / "stats.json").read_text())
    for m in manifest:
        if m["expected"] == "keep":
            assert m["url"] in kept, m
        elif m["expected"] != "read (corrupt_record)":
            assert m["url"] not in kept, m
    assert stats["read"]["corrupt_record"] >= 2  # the cut last record and the garbage file
    steps = stats["steps"]
    for a, b in zip(steps, steps[1:], strict=False):
        assert a["docs_out"] == b["docs_in"], (a["name"], b["name"])
    assert steps[-1]["docs_out"] == len(kept) == stats["kept"]


def test_pii_is_masked_in_every_kept_document(demo: tuple[Path, Path]) -> None:
    from a4_data.pii import mask_emails, mask_ips, mask_phone_numbers

    docs = [json.loads(x) for x in (demo[1] / "kept.jsonl").read_text().splitlines()]
    assert any("|||EMAIL_ADDRESS|||" in d["text"] for d in docs)
    for d in docs:
        assert mask_emails(d["text"])[1] == mask_phone_numbers(d["text"])[1] == mask_ips(d["text"])[1] == 0


def test_a_crashed_file_loses_nothing_already_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from a4_data.pipeline import runner

    write_demo(tmp_path / "warc", files=2, docs=20, seed=4)
    seen: dict[str, int] = {}
    real = runner.build_steps

    def exploding_after_some(cfg: PipelineConfig) -> list:
        steps = real(cfg)

        class Boom(runner.Step):
            name = "boom"

            def process(self, doc: runner.Document) -> runner.Document | None:
                seen[doc.source] = seen.get(doc.source, 0) + 1
                if len(seen) == 2 and seen[doc.source] == 3:  # the third kept document of the second file
                    raise KeyboardInterrupt("simulated crash")
                return doc

        return [*steps, Boom()]

    monkeypatch.setattr(runner, "build_steps", exploding_after_some)
    cfg = PipelineConfig(inputs=str(tmp_path / "warc"), out=tmp_path / "out", workers=1)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(cfg, progress=False)
    done = list((tmp_path / "out" / "shards").glob("*.jsonl"))
    partial = list((tmp_path / "out" / "shards").glob("*.partial"))
    assert len(done) == 1 and len(partial) == 1
    lines = partial[0].read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(x)["text"] for x in lines)  # both documents, whole lines


def test_cli_help_and_a_clear_error_for_a_missing_folder(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--inputs", str(tmp_path / "nope")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "demo_data" in run.stderr
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "--min-language-score" in run.stdout


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
