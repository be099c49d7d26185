"""The a4 reference against independent oracles and properties: the generators' ground truth, naive
restatements of the pinned rules, datasketch, and hypothesis-generated inputs."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a4_data.dedup_exact import exact_line_deduplication
from a4_data.extract import extract_text_from_html_bytes
from a4_data.language import identify_language
from a4_data.minhash import minhash_deduplication, minhash_signatures, normalize_text, shingles
from a4_data.pii import mask_emails, mask_ips, mask_phone_numbers
from a4_data.quality import gopher_quality_filter
from a4_data.textgen import languages
from a4_data.textgen.pii import planted


@pytest.mark.parametrize("seed", range(200))
def test_pii_masks_equal_the_planted_ground_truth(seed: int) -> None:
    text, masked, counts = planted(np.random.default_rng(seed), ("email", "phone", "ip"), 10)
    assert mask_emails(text) == (masked["email"], counts["email"])
    assert mask_phone_numbers(text) == (masked["phone"], counts["phone"])
    assert mask_ips(text) == (masked["ip"], counts["ip"])


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
@settings(max_examples=200, derandomize=True, deadline=None)
def test_every_valid_ipv4_is_masked_and_a_256_octet_never(a: int, b: int, c: int, d: int) -> None:
    assert mask_ips(f"host {a}.{b}.{c}.{d}.") == ("host |||IP_ADDRESS|||.", 1)
    assert mask_ips(f"host {a}.{b}.{c}.{256 + d}")[1] == 0


def test_every_handout_sentence_is_identified() -> None:
    for lang, sentences in languages.SENTENCES.items():
        for s in sentences:
            got, score = identify_language(s)
            assert got == lang, s
            assert isinstance(score, float) and 0 < score <= 1


def test_extraction_prefers_utf8_and_falls_back_to_detection() -> None:
    assert extract_text_from_html_bytes("<p>café</p>".encode()) == "café"
    assert extract_text_from_html_bytes("<p>Größe über Maß, naïve café</p>".encode("cp1252")) == \
        "Größe über Maß, naïve café"
    assert extract_text_from_html_bytes(b"") is None
    with pytest.raises(TypeError, match="bytes"):
        extract_text_from_html_bytes("<p>str</p>")  # type: ignore[arg-type]


def _naive_gopher(text: str) -> bool:
    words = text.split()
    if not words or not 50 <= len(words) <= 100_000:
        return False
    mean = np.mean([len(w) for w in words])
    lines = text.split("\n")
    ell = sum(bool(re.search(r"(\.\.\.|…)\s*$", line)) for line in lines)
    alpha = sum(bool(re.search(r"[^\W\d_]", w)) for w in words)
    return 3 <= mean <= 10 and ell <= 0.3 * len(lines) and alpha >= 0.8 * len(words)


@given(st.lists(st.sampled_from(["a", "bb", "ccc", "dddd", "word", "12", "4.50", "x9", "long" * 4, "...", "…",
                                 "\n", "end...\n", "ok…\n"]), min_size=0, max_size=140))
@settings(max_examples=300, derandomize=True, deadline=None)
def test_gopher_equals_a_naive_restatement(tokens: list[str]) -> None:
    text = " ".join(tokens)
    assert gopher_quality_filter(text) == _naive_gopher(text)


@given(st.text(max_size=60))
@settings(max_examples=300, derandomize=True, deadline=None)
def test_normalize_is_idempotent_and_strips_what_it_pins(text: str) -> None:
    out = normalize_text(text)
    assert normalize_text(out) == out
    assert not any(unicodedata.category(c) == "Mn" or unicodedata.category(c).startswith("P") for c in out)
    assert out == out.strip() and "  " not in out


@given(files=st.lists(st.lists(st.sampled_from(["x", "y", "z", "w", "x y", ""]), max_size=8), min_size=1, max_size=4))
@settings(max_examples=60, derandomize=True, deadline=None)
def test_exact_line_dedup_equals_a_counter_of_lines(files: list[list[str]], tmp_path_factory) -> None:
    tmp = tmp_path_factory.mktemp("dedup")
    paths = []
    for i, lines in enumerate(files):
        p = tmp / f"f{i}.txt"
        p.write_text("\n".join(lines), encoding="utf-8")
        paths.append(p)
    exact_line_deduplication(paths, tmp / "out")
    counts = Counter(line.rstrip("\n") for p in paths for line in p.read_text().splitlines(keepends=True))
    for p in paths:
        want = "".join(x for x in p.read_text().splitlines(keepends=True) if counts[x.rstrip("\n")] == 1)
        assert (tmp / "out" / p.name).read_text() == want


def test_signature_agreement_tracks_datasketch_and_exact_jaccard() -> None:
    from datasketch import MinHash

    rng = np.random.default_rng(0)
    for j in (0.1, 0.4, 0.7, 0.9):
        u = 400
        s = int(j * u)
        toks = [f"t{int(x)}" for x in rng.permutation(10_000)[:u]]
        a, b = set(toks[:s] + toks[s:s + (u - s) // 2]), set(toks[:s] + toks[s + (u - s) // 2:])
        exact = len(a & b) / len(a | b)
        sig = minhash_signatures([a, b], 1024, seed=3)
        ours = float(np.mean(sig[0] == sig[1]))
        ma, mb = MinHash(num_perm=1024, seed=3), MinHash(num_perm=1024, seed=3)
        ma.update_batch([x.encode() for x in a])
        mb.update_batch([x.encode() for x in b])
        assert abs(ours - exact) < 0.06 and abs(ma.jaccard(mb) - exact) < 0.06


def test_minhash_dedup_equals_exact_jaccard_components(tmp_path: Path) -> None:
    from a4_data.bench.minhash_bench import corpus

    docs = corpus(np.random.default_rng(5), 60)
    paths = []
    for i, d in enumerate(docs):
        (tmp_path / f"{i:04d}.txt").write_text(d, encoding="utf-8")
        paths.append(tmp_path / f"{i:04d}.txt")
    minhash_deduplication(paths, 128, 32, 5, 0.8, tmp_path / "out")  # 4 rows: near-certain candidates
    sets = [shingles(d, 5) for d in docs]
    parent = list(range(len(docs)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, k in itertools.combinations(range(len(docs)), 2):
        if sets[i] and sets[k] and len(sets[i] & sets[k]) / len(sets[i] | sets[k]) >= 0.8:
            parent[max(find(i), find(k))] = min(find(i), find(k))
    want = {f"{i:04d}.txt" for i in range(len(docs)) if find(i) == i}
    assert {p.name for p in (tmp_path / "out").iterdir()} == want
    assert len(want) < len(docs)  # the corpus does hold near-duplicates


def test_classifier_cache_equals_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from a4_data import classifiers

    monkeypatch.setenv("LMFS_DATA_DIR", str(tmp_path))
    texts = ["shut up you stupid idiot", "the museum opens at nine", "free porn videos"]
    classifiers.model.cache_clear()
    trained = [classifiers.model("toxic").predict(t) for t in texts]
    assert list((tmp_path / "a4" / "models").glob("toxic-*.bin"))
    classifiers.model.cache_clear()
    loaded = [classifiers.model("toxic").predict(t) for t in texts]
    classifiers.model.cache_clear()
    for (la, pa), (lb, pb) in zip(trained, loaded, strict=True):
        assert la == lb and np.allclose(pa, pb)
