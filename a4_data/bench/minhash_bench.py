"""MinHash + LSH near-dedup: ours (minhash_deduplication) beside datasketch's MinHash + MinHashLSH on the same
documents, shingles and parameters (num_perm, bands x rows). Both read the same files, take the same word
5-gram shingles (ours hashes them from word hashes, datasketch gets shingles() strings) and copy the kept
files; datasketch's pairs are LSH candidates whose estimated Jaccard reaches the threshold (its usual use),
clustered the same way. Quality: precision and recall of the removed documents against ground truth from exact
Jaccard over all pairs (a sparse shingle-incidence product)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from a4_data.textgen import english
from shared.bench import Row

NUM_HASHES, NUM_BANDS, NGRAMS, THRESHOLD = 128, 16, 5, 0.8


def corpus(rng: np.random.Generator, n_base: int) -> list[str]:
    """Base articles and near-duplicates of a third of them (one to three copies, 0-8 words changed plus
    case and punctuation), shuffled: many pairs near the threshold, where LSH decisions differ."""
    from a4_data.cases.minhash import perturb

    docs = []
    for _ in range(n_base):
        base = english.article(rng, 3, sentences=(4, 7))
        docs.append(base)
        if rng.random() < 1 / 3:
            for _ in range(int(rng.integers(1, 4))):
                docs.append(perturb(rng, base, int(rng.integers(0, 9))))
    return [docs[int(i)] for i in rng.permutation(len(docs))]


def _first_of_components(n: int, pairs: list[tuple[int, int]]) -> set[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {i for i in range(n) if find(i) != i}  # the removed documents


def ground_truth(sets: list[set[str]]) -> set[int]:
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for sh in s:
            rows.append(i)
            cols.append(vocab.setdefault(sh, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=(len(sets), len(vocab)))
    inter = (x @ x.T).tocoo()
    sizes = np.array([len(s) for s in sets])
    pairs = [(int(a), int(b)) for a, b, v in zip(inter.row, inter.col, inter.data, strict=True)
             if a < b and v / (sizes[a] + sizes[b] - v) >= THRESHOLD]
    return _first_of_components(len(sets), pairs)


def ours(paths: list[str], out: Path) -> set[int]:
    from a4_data.minhash import minhash_deduplication

    minhash_deduplication(paths, NUM_HASHES, NUM_BANDS, NGRAMS, THRESHOLD, out)
    kept = {p.name for p in out.iterdir()}
    return {i for i, p in enumerate(paths) if Path(p).name not in kept}


def datasketch_dedup(paths: list[str], out: Path) -> set[int]:
    from datasketch import MinHash, MinHashLSH

    from a4_data.minhash import shingles

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_HASHES, params=(NUM_BANDS, NUM_HASHES // NUM_BANDS))
    sigs = []
    for i, p in enumerate(paths):
        m = MinHash(num_perm=NUM_HASHES, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles(Path(p).read_text(encoding="utf-8"), NGRAMS)])
        sigs.append(m)
        lsh.insert(i, m)
    pairs = [(i, j) for i, m in enumerate(sigs) for j in lsh.query(m) if i < j and m.jaccard(sigs[j]) >= THRESHOLD]
    removed = _first_of_components(len(paths), pairs)
    out.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(paths):  # the same job as ours: copy one document per cluster
        if i not in removed:
            (out / Path(p).name).write_bytes(Path(p).read_bytes())
    return removed


def precision_recall(pred: set[int], truth: set[int]) -> tuple[float, float]:
    tp = len(pred & truth)
    return (tp / len(pred) if pred else 1.0), (tp / len(truth) if truth else 1.0)


def run(quick: bool) -> list[Row]:
    from a4_data.minhash import shingles

    docs = corpus(np.random.default_rng(0), 150 if quick else 1500)
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        paths = []
        for i, d in enumerate(docs):
            p = Path(tmp) / f"{i:06d}.txt"
            p.write_text(d, encoding="utf-8")
            paths.append(str(p))
        truth = ground_truth([shingles(d, NGRAMS) for d in docs])  # also warms shared caches for both sides
        times_ours, times_ds = [], []
        for k in range(1 if quick else 3):
            t0 = time.perf_counter()
            removed_ours = ours(paths, Path(tmp) / f"out{k}")
            times_ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            removed_ds = datasketch_dedup(paths, Path(tmp) / f"ds{k}")
            times_ds.append(time.perf_counter() - t0)
    n = len(docs)
    p_o, r_o = precision_recall(removed_ours, truth)
    p_d, r_d = precision_recall(removed_ds, truth)
    setting = f"{n} docs, {NUM_HASHES} hashes, {NUM_BANDS} bands, {NGRAMS}-grams, J>={THRESHOLD}"
    return [
        Row(f"MinHash dedup throughput ({setting})", n / min(times_ours), "docs/s", "datasketch MinHash+MinHashLSH",
            n / min(times_ds), True, goal=2.0, note="best of 3 runs each; both read, shingle and copy the kept files"),
        Row("MinHash dedup precision (removed docs vs exact Jaccard)", p_o, "", "datasketch", p_d, True, goal=1.0,
            note=f"{len(truth)} documents should be removed"),
        Row("MinHash dedup recall (removed docs vs exact Jaccard)", r_o, "", "datasketch", r_d, True, goal=1.0),
    ]
