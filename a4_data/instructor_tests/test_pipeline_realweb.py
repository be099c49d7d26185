"""The real web corpus (a4_data/realweb, pipeline/real_data.py): its WARC/WET files read back with warcio, its
planted copies checked with a naive shingle Jaccard, and the pipeline over a reduced corpus (3 pages a source)."""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from a4_data.pipeline.real_data import cached_corpus, write_corpus
from a4_data.pipeline.runner import PipelineConfig, run_pipeline
from a4_data.realweb import udhr
from a4_data.realweb.corpus import republish
from a4_data.realweb.outcome import STEPS, STUB_WORDS, outcomes

LIMIT = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("realweb") / "warc"
    write_corpus(out, limit=LIMIT)
    return out


@pytest.fixture(scope="module")
def run(corpus: Path) -> Path:
    out = corpus.parent / "out"
    run_pipeline(PipelineConfig(inputs=str(corpus), out=out, workers=2), progress=False)
    return out


def _manifest(corpus: Path) -> list[dict]:
    return [json.loads(x) for x in (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]


def test_warcio_reads_every_page_of_the_manifest_back(corpus: Path) -> None:
    pages = _manifest(corpus)
    seen: dict[str, tuple[str, bytes, str]] = {}
    for f in sorted(corpus.glob("*.gz")):
        with f.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "conversion"):
                    ctype = rec.http_headers.get_header("Content-Type") if rec.http_headers else "text/plain"
                    seen[rec.rec_headers.get_header("WARC-Target-URI")] = (f.name, rec.content_stream().read(), ctype)
    assert sorted(seen) == sorted(p["url"] for p in pages)  # every page once, nothing else
    for p in pages:
        name, body, ctype = seen[p["url"]]
        assert name == p["file"]
        if name.endswith(".wet.gz"):
            assert ctype == "text/plain" and body.decode("utf-8").strip()
        else:  # the declared charset decodes the page, and the page declares the same one
            charset = ctype.split("charset=")[1]
            text = body.decode(charset)
            assert f'<meta charset="{charset}">' in text and "<footer>" in text
    assert {p["source"] for p in pages} >= {"wikipedia", "bgwiki", "news", "usenet", "udhr", "pydocs", "novel"}
    assert len({p["language"] for p in pages}) >= 4


def test_the_corpus_is_the_same_bytes_every_build(corpus: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path, limit=LIMIT)
    for f in corpus.iterdir():
        assert gzip.decompress((tmp_path / f.name).read_bytes()) == gzip.decompress(f.read_bytes()) if \
            f.suffix == ".gz" else (tmp_path / f.name).read_bytes() == f.read_bytes()


def test_udhr_parse_worked_example() -> None:
    proto = ('id: "xx_Latn"\nlanguage: "xx"\nname: "Example"\nsample_text {\n'
             '  poster_md: "First line"\n'
             '  specimen_21: "First line of it, \\"quoted\\".\\nSecond line"\n'
             '  specimen_16: "First line of it, \\"quoted\\".\\nSecond line\\nThird \\303\\251t\\303\\251"\n}\n')
    t = udhr.parse(proto, "xx_Latn")
    assert t is not None and (t.language, t.name) == ("xx", "Example")
    # each paragraph once; "First line" is part of a longer paragraph; octal escapes are UTF-8 bytes
    assert t.text == 'First line of it, "quoted".\n\nSecond line\n\nThird été'
    assert udhr.parse('id: "yy_Latn"\nname: "No text"\n', "yy_Latn") is None


def _naive_shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.sub(r"[^\w\s]", "", text.lower()).split()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_a_republished_copy_differs_on_every_line_and_stays_a_near_duplicate() -> None:
    import numpy as np

    from a4_data.realtext import wikipedia

    for _, text in wikipedia.load()[:10]:
        paras = text.split("\n\n")
        copy = republish(np.random.default_rng(1), paras)
        assert all(a != b for a, b in zip(paras, copy, strict=True))
        a, b = _naive_shingles(" ".join(paras)), _naive_shingles(" ".join(copy))
        assert len(a & b) / len(a | b) >= 0.8


def test_every_page_ends_kept_or_dropped_once(corpus: Path, run: Path) -> None:
    rows = outcomes(corpus, run)
    assert sum(r.pages for r in rows) == len(_manifest(corpus))
    for r in rows:
        assert r.pages == r.kept + sum(r.dropped[s] for s in STEPS), r
    kept = [json.loads(x) for x in (run / "kept.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(r.kept for r in rows) == len(kept)


def test_real_pages_end_where_their_source_says(corpus: Path, run: Path) -> None:
    rows = {r.source: r for r in outcomes(corpus, run)}
    # Bulgarian Wikipedia and a Russian novel: language ID knows both languages well
    for source in ("bgwiki", "novel"):
        assert rows[source].dropped["language"] == rows[source].pages > 0
    # a verbatim mirror never survives: line dedup empties it (and its original), or near-dedup drops it
    assert rows["wikipedia_mirror (exact copies)"].kept == 0
    # documentation served twice under two versions: line dedup leaves both only their page-specific lines
    docs = rows["pydocs (exact copies)"]
    assert docs.kept == docs.stubs
    manifest = {p["url"]: p for p in _manifest(corpus)}
    kept = [json.loads(x) for x in (run / "kept.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(manifest[d["url"]]["copy"] != "exact" or len(d["text"].split()) < STUB_WORDS for d in kept)
    assert Counter(d["language"] for d in kept) == Counter({"en": len(kept)})


def test_the_corpus_is_cached_and_a_missing_package_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMFS_DATA_DIR", str(tmp_path))
    first = cached_corpus(limit=1)
    stamp = (first / "corpus.jsonl").stat().st_mtime_ns
    assert cached_corpus(limit=1) == first and (first / "corpus.jsonl").stat().st_mtime_ns == stamp
    assert first.is_relative_to(tmp_path / "a4" / "realweb")

    real_version = importlib.metadata.version

    def version(name: str) -> str:
        if name == "gflanguages":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    with pytest.raises(ImportError, match=r"gflanguages==0\.7\.11.*pip install '\.\[a4\]'"):
        write_corpus(tmp_path / "other", limit=1)
