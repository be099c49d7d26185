"""MinHash near-dedup on datatrove: the pipeline's stages (the student's shingles and signatures in
datatrove's signature/bucket/cluster/filter layout, candidates checked by exact Jaccard) beside datatrove's
own MinhashDedupSignature/Buckets/Cluster/Filter (its own shingling and hashing, LSH alone decides), and
datasketch's MinHash + MinHashLSH, on the same documents (minhash_bench's corpus of planted near-duplicates),
the same word 5-grams and the same 16 bands x 8 rows (J >= 0.8 where a threshold applies: datatrove has none).
Both datatrove runs use LocalPipelineExecutor on 2 workers over the same 4 JSONL shards. Datatrove's shingles
are hashed with its sha1 option: its default, xxhash, passes str to an xxhash that takes only bytes here.

Quality against planted duplicates found by exact Jaccard (clusters: connected components of the pairs at
J >= 0.8): a method should remove all but one document of each cluster and nothing else. Datatrove keeps an
arbitrary member of a cluster, not the first, so the count is per cluster: true positives are
sum over clusters of min(removed in it, size - 1); precision = that / removed, recall = that / sum(size - 1).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
from datatrove.utils.word_tokenizers import WordTokenizer

from a4_data.bench.minhash_bench import NGRAMS, NUM_BANDS, NUM_HASHES, THRESHOLD, corpus
from shared.bench import Row

SHARDS = 4


def clusters(sets: list[set[str]]) -> list[np.ndarray]:
    """Connected components (size >= 2) of the pairs with exact Jaccard >= THRESHOLD."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for sh in s:
            rows.append(i)
            cols.append(vocab.setdefault(sh, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=(len(sets), len(vocab)))
    inter = (x @ x.T).tocoo()
    sizes = np.array([len(s) for s in sets])
    keep = (inter.row < inter.col) & (inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data) >= THRESHOLD)
    graph = sparse.coo_matrix((np.ones(keep.sum()), (inter.row[keep], inter.col[keep])), shape=(len(sets),) * 2)
    _, label = connected_components(graph, directed=False)
    groups = [np.flatnonzero(label == g) for g in np.unique(label)]
    return [g for g in groups if len(g) > 1]


def precision_recall(removed: set[int], groups: list[np.ndarray]) -> tuple[float, float]:
    tp = sum(min(len(removed & set(g.tolist())), len(g) - 1) for g in groups)
    should = sum(len(g) - 1 for g in groups)
    return (tp / len(removed) if removed else 1.0), (tp / should if should else 1.0)


def _write_shards(folder: Path, docs: list[str]) -> list[str]:
    """Contiguous shards, so that shard-major input order is the corpus order; returns the ids in order."""
    folder.mkdir(parents=True)
    ids, per = [], -(-len(docs) // SHARDS)
    for r in range(SHARDS):
        part = docs[r * per:(r + 1) * per]
        ids += [f"{r}/{i}" for i in range(len(part))]
        (folder / f"{r:05d}.jsonl").write_text("".join(json.dumps({"text": t, "id": f"{r}/{i}"}) + "\n"
                                                       for i, t in enumerate(part)), encoding="utf-8")
    return ids


def _kept(folder: Path) -> set[str]:
    return {json.loads(x)["id"] for f in folder.glob("*.jsonl") for x in f.read_text().splitlines() if x}


def _run(stage_lists: list[tuple[list, int]], logs: Path) -> None:
    from datatrove.executor import LocalPipelineExecutor

    for k, (steps, tasks) in enumerate(stage_lists):
        LocalPipelineExecutor(steps, tasks=tasks, workers=min(2, tasks), logging_dir=str(logs / f"{k}"),
                              start_method="fork").run()


def ours(docs: Path, out: Path) -> None:
    from a4_data.pipeline.config import PipelineConfig
    from a4_data.pipeline.definition import minhash_stages

    cfg = PipelineConfig(num_hashes=NUM_HASHES, num_bands=NUM_BANDS, ngrams=NGRAMS, jaccard_threshold=THRESHOLD)
    _run([(st.steps, st.tasks) for st in minhash_stages(cfg, docs, out, SHARDS)], out / "logs")


def datatrove_own(docs: Path, out: Path) -> None:
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    conf = MinhashConfig(n_grams=NGRAMS, num_buckets=NUM_BANDS, hashes_per_bucket=NUM_HASHES // NUM_BANDS,
                         hash_config=HashConfig(precision=64, hash_fc="sha1"))
    _run([([JsonlReader(str(docs)), MinhashDedupSignature(str(out / "sigs"), conf, language=SpaceTokenizer())],
           SHARDS),
          ([MinhashDedupBuckets(str(out / "sigs"), str(out / "buckets"), config=conf)], NUM_BANDS),
          ([MinhashDedupCluster(str(out / "buckets"), str(out / "remove"), config=conf)], 1),
          ([JsonlReader(str(docs)), MinhashDedupFilter(str(out / "remove")),
            JsonlWriter(str(out / "kept"), output_filename="${rank}.jsonl", compression=None)], SHARDS)],
         out / "logs")


class SpaceTokenizer(WordTokenizer):
    """Words split on whitespace, after datatrove's own simplify_text (lowercase, no punctuation): the English
    word split without nltk, which datatrove's English default needs and the kit does not ship."""

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def run(quick: bool) -> list[Row]:
    from a4_data.bench.minhash_bench import datasketch_dedup
    from a4_data.minhash import shingles
    from a4_data.pipeline.runner import _quiet

    _quiet()
    docs = corpus(np.random.default_rng(0), 150 if quick else 1500)
    groups = clusters([shingles(d, NGRAMS) for d in docs])
    results = {}
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        ids = _write_shards(Path(tmp) / "docs", docs)
        index = {x: i for i, x in enumerate(ids)}
        for name, fn in (("ours", ours), ("datatrove", datatrove_own)):
            t0 = time.perf_counter()
            fn(Path(tmp) / "docs", Path(tmp) / name)
            seconds = time.perf_counter() - t0
            kept = _kept(Path(tmp) / name / "kept")
            results[name] = (seconds, {index[x] for x in ids if x not in kept})
        paths = []
        for i, d in enumerate(docs):
            p = Path(tmp) / "files" / f"{i:06d}.txt"
            p.parent.mkdir(exist_ok=True)
            p.write_text(d, encoding="utf-8")
            paths.append(str(p))
        t0 = time.perf_counter()
        removed_ds = datasketch_dedup(paths, Path(tmp) / "ds")
        results["datasketch"] = (time.perf_counter() - t0, removed_ds)
    n = len(docs)
    pr = {k: precision_recall(v[1], groups) for k, v in results.items()}
    setting = f"{n} docs, {NUM_BANDS} bands x {NUM_HASHES // NUM_BANDS} rows, {NGRAMS}-grams"
    dt = "datatrove's own MinHash (4 stages, LSH only)"
    should = sum(len(g) - 1 for g in groups)
    return [
        Row(f"MinHash on datatrove, student's code ({setting}, 2 workers)", n / results["ours"][0], "docs/s", dt,
            n / results["datatrove"][0], True, note="both: 4 LocalPipelineExecutor stages over the same 4 shards"),
        Row(f"  precision (per cluster, {should} to remove, J>={THRESHOLD})", pr["ours"][0], "", dt,
            pr["datatrove"][0], True, goal=1.0),
        Row("  recall", pr["ours"][1], "", dt, pr["datatrove"][1], True, goal=1.0),
        Row("datatrove's own MinHash precision", pr["datatrove"][0], "", "datasketch MinHash+MinHashLSH",
            pr["datasketch"][0], True),
        Row("datatrove's own MinHash recall", pr["datatrove"][1], "", "datasketch MinHash+MinHashLSH",
            pr["datasketch"][1], True),
        Row("datatrove's own MinHash throughput", n / results["datatrove"][0], "docs/s",
            "datasketch (one process, no files per stage)", n / results["datasketch"][0], True),
    ]
