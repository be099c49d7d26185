"""MinHash near-dedup in datatrove's four-stage layout (signatures -> buckets -> cluster -> filter) with the
student's shingles and signatures inside: it removes exactly what the student's one-call
`minhash_deduplication` removes on the same documents in the same order, never a document that exact
Jaccard does not make a duplicate, and (32 bands of 4 rows at J >= 0.8: a pair is missed with probability
(1 - 0.8**4)**32 < 1e-7) every planted one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from a4_data.bench.minhash_bench import corpus, ground_truth
from a4_data.minhash import minhash_deduplication, shingles
from a4_data.pipeline.config import PipelineConfig
from a4_data.pipeline.definition import minhash_stages
from a4_data.pipeline.runner import executor

SHARDS = 3


def _write_shards(folder: Path, docs: list[str]) -> list[tuple[int, int]]:
    """Document k goes to shard k % SHARDS (interleaved: input order is shard-major, not k)."""
    folder.mkdir(parents=True)
    shards: list[list[str]] = [[] for _ in range(SHARDS)]
    for k, d in enumerate(docs):
        shards[k % SHARDS].append(d)
    for r, texts in enumerate(shards):
        (folder / f"{r:05d}.jsonl").write_text("".join(json.dumps({"text": t, "id": f"{r}/{i}"}) + "\n"
                                                       for i, t in enumerate(texts)), encoding="utf-8")
    return [(r, i) for r in range(SHARDS) for i in range(len(shards[r]))]


def test_the_staged_minhash_removes_what_the_students_function_removes(tmp_path: Path) -> None:
    docs = corpus(np.random.default_rng(21), 60)
    # no shingles (whitespace, punctuation): never duplicates; an exact copy: always one. (An empty text never
    # reaches these stages: datatrove's JsonlReader skips it, and the filters drop it first.)
    docs += [" ", "!!! ...", "!!! ...", docs[0]]
    order = _write_shards(tmp_path / "docs", docs)
    cfg = PipelineConfig(out=tmp_path / "out", workers=2, num_hashes=128, num_bands=32, ngrams=5,
                         jaccard_threshold=0.8)
    for stage in minhash_stages(cfg, tmp_path / "docs", tmp_path / "out", SHARDS):
        ex = executor(stage, cfg, tmp_path / "out")
        ex.run()
        assert not ex.get_incomplete_ranks(), stage.name
    kept = set()
    for r in range(SHARDS):
        f = tmp_path / "out" / "kept" / f"{r:05d}.jsonl"
        kept |= {json.loads(x)["id"] for x in f.read_text().splitlines()} if f.exists() else set()

    # the same documents, one file each, in the pipeline's input order (shard-major)
    texts = {(r, i): json.loads(line)["text"] for r in range(SHARDS)
             for i, line in enumerate((tmp_path / "docs" / f"{r:05d}.jsonl").read_text().splitlines())}
    paths = []
    for n, (r, i) in enumerate(order):
        p = tmp_path / "files" / f"{n:05d}_{r}_{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(texts[(r, i)], encoding="utf-8")
        paths.append(p)
    out = minhash_deduplication(paths, 128, 32, 5, 0.8, tmp_path / "one_call")
    expected = {"{1}/{2}".format(*p.stem.split("_")) for p in out}
    assert kept == expected

    removed = {n for n, (r, i) in enumerate(order) if f"{r}/{i}" not in kept}
    truth = ground_truth([shingles(texts[x], 5) for x in order])  # exact Jaccard over all pairs
    assert removed <= truth  # precision 1: every removal is a true near-duplicate
    assert len(removed) >= 0.95 * len(truth) and len(truth) >= 10
    empty = [n for n, x in enumerate(order) if not shingles(texts[x], 5)]
    assert len(empty) == 3 and not set(empty) & removed


def test_the_remove_files_are_datatroves_format(tmp_path: Path) -> None:
    """Stage 3 writes `{task:06d}.remove`: ascending little-endian uint32 indices, which datatrove's own
    MinhashDedupFilter reads in step with the documents; a hand-made pair shows which one stays."""
    import struct

    a = "the river town kept its old mill and the market square for three hundred years of trade"
    docs = ["an unrelated text about the weather in the hills this spring and the long rains", a, a]
    _write_shards(tmp_path / "docs", docs)  # shard 0: doc 0; shard 1: doc 1 (a); shard 2: doc 2 (a)
    cfg = PipelineConfig(out=tmp_path / "out", workers=1, num_hashes=16, num_bands=4, ngrams=3)
    for stage in minhash_stages(cfg, tmp_path / "docs", tmp_path / "out", SHARDS):
        executor(stage, cfg, tmp_path / "out").run()
    remove = sorted(p.name for p in (tmp_path / "out" / "minhash" / "remove").iterdir())
    assert remove == ["000002.remove"]  # the copy in the later shard goes; the first in input order stays
    assert struct.unpack("<I", (tmp_path / "out" / "minhash" / "remove" / "000002.remove").read_bytes()) == (0,)
    assert not (tmp_path / "out" / "kept" / "00002.jsonl").exists() or \
        not (tmp_path / "out" / "kept" / "00002.jsonl").read_text().strip()
