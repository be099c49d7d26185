"""The cross-document stages, in datatrove's multi-stage layout, running the student's functions.

Line dedup (one task: the student's `exact_line_deduplication` counts every line of the whole crawl, so it
is global by nature) reads the filter stage's shards and writes one shard per filter task, empty ones
included: the MinHash stages number documents by (task, index in that task's shard).

MinHash near-dedup, datatrove's four stages (datatrove.pipeline.dedup.minhash), with the student's code in
the two that decide:
1. signatures (one task per shard, `StudentMinhashSignature`): the student's `shingles` and
   `minhash_signatures`; band b of every document goes to `signatures/bucket_{b:03d}/{task:05d}.minhash.sig`
   in datatrove's binary format (rows x uint64, then the uint32 document index), sorted.
2. buckets (one task per band, datatrove's own `MinhashDedupBuckets`): a k-way merge of the sorted band files;
   consecutive equal bands are written as candidate pairs to `buckets/{band:05d}_00.dups`.
3. cluster (one task, `StudentMinhashCluster`): every pair of documents sharing a band (a run of equal bands
   in one .dups file) is checked by the exact Jaccard similarity of the student's `shingles`, as
   `minhash_deduplication` does; duplicates are unioned, and each cluster keeps its first document in input
   order (datatrove keeps an arbitrary one and trusts LSH alone). `remove/{task:06d}.remove` lists the rest.
4. filter (one task per shard, datatrove's own `MinhashDedupFilter`): drops the listed documents.
"""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

import numpy as np
from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.hashing import HashConfig

# datatrove's bucket reader stops at the first band value >= 2**61 - 1 (its 64-bit hashes live below this
# Mersenne prime): the student's uint64 signatures are reduced modulo it. Equal values stay equal; a new
# collision only adds a candidate, and every candidate is checked by exact Jaccard.
MERSENNE = np.uint64((1 << 61) - 1)


def minhash_config(num_hashes: int, num_bands: int, ngrams: int) -> MinhashConfig:
    """datatrove's config for the shared file layout: num_bands buckets of num_hashes // num_bands uint64."""
    return MinhashConfig(n_grams=ngrams, num_buckets=num_bands, hashes_per_bucket=num_hashes // num_bands,
                         hash_config=HashConfig(precision=64))


def read_shard(folder: DataFolderLike, rank: int) -> list[dict]:
    """The documents of a JSONL shard `{rank:05d}.jsonl` as written by datatrove's JsonlWriter; none if absent
    (a task that kept nothing writes no file). Like datatrove's JsonlReader, documents with an empty text are
    skipped: the MinHash stages number documents as that reader yields them."""
    folder = get_datafolder(folder)
    name = f"{rank:05d}.jsonl"
    if not folder.exists(name):
        return []
    with folder.open(name, "rt") as f:
        return [d for d in (json.loads(line) for line in f if line.strip()) if d.get("text")]


def _doc(d: dict) -> Document:
    return Document(text=d["text"], id=d["id"], metadata=d.get("metadata", {}))


class LineDedup(PipelineStep):
    """One task: the student's `exact_line_deduplication` over every document of `shards` filter shards."""

    type = "🫂 - DEDUP (a4)"
    name = "line_dedup"

    def __init__(self, input_folder: DataFolderLike, output_folder: DataFolderLike, shards: int,
                 exclusion_writer: DiskWriter | None = None) -> None:
        super().__init__()
        self.input_folder, self.output_folder = get_datafolder(input_folder), get_datafolder(output_folder)
        self.shards, self.exclusion_writer = shards, exclusion_writer

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from a4_data.dedup_exact import exact_line_deduplication

        if world_size != 1:
            raise ValueError("line dedup is one task: every line of the crawl is counted together")
        shards = [read_shard(self.input_folder, r) for r in range(self.shards)]
        with self.track_time(unit="crawl"), tempfile.TemporaryDirectory(prefix="a4-line-dedup-") as tmp:
            paths = []
            for r, docs in enumerate(shards):
                for i, d in enumerate(docs):
                    p = Path(tmp) / f"{r:05d}_{i:07d}.txt"
                    p.write_text(d["text"], encoding="utf-8")
                    paths.append(p)
            exact_line_deduplication(paths, Path(tmp) / "out")
            it = iter(paths)
            for r, docs in enumerate(shards):
                with self.output_folder.open(f"{r:05d}.jsonl", "wt") as out:
                    for d in docs:
                        text = (Path(tmp) / "out" / next(it).name).read_text(encoding="utf-8")
                        self.stat_update("total")
                        self.stat_update("lines_removed", value=max(0, len(d["text"].split("\n"))
                                                                    - len(text.split("\n"))))
                        if not text.strip():
                            self.stat_update("dropped", "dropped_empty_after_line_dedup")
                            if self.exclusion_writer:
                                self.exclusion_writer.write(_doc(d), r)
                            continue
                        self.stat_update("forwarded")
                        out.write(json.dumps({**d, "text": text}, ensure_ascii=False) + "\n")
        if self.exclusion_writer:
            self.exclusion_writer.close()
        return
        yield  # a generator, like every datatrove step; it writes its shards itself


class StudentMinhashSignature(PipelineStep):
    """MinHash stage 1 with the student's `shingles` and `minhash_signatures` (see the module docstring)."""

    type = "🫂 - DEDUP (a4)"
    name = "minhash_signatures"

    def __init__(self, output_folder: DataFolderLike, num_hashes: int, num_bands: int, ngrams: int,
                 seed: int = 0) -> None:
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.num_hashes, self.num_bands, self.ngrams, self.seed = num_hashes, num_bands, ngrams, seed

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from a4_data.minhash import minhash_signatures, shingles

        with self.track_time(unit="task"):
            sets = [shingles(doc.text, self.ngrams) for doc in data]
            self.stat_update("total", value=len(sets))
            index = np.array([i for i, s in enumerate(sets) if s], dtype=np.uint32)  # no shingles: never a duplicate
            sig = np.asarray(minhash_signatures([sets[i] for i in index], self.num_hashes, self.seed), np.uint64)
            if sig.shape != (len(index), self.num_hashes):
                raise ValueError(f"minhash_signatures returned shape {sig.shape}, expected "
                                 f"{(len(index), self.num_hashes)}")
            sig = sig % MERSENNE
            rows = self.num_hashes // self.num_bands
            dtype = np.dtype([(f"h{k}", "<u8") for k in range(rows)] + [("doc", "<u4")])
            for b in range(self.num_bands):
                rec = np.empty(len(index), dtype=dtype)
                for k in range(rows):
                    rec[f"h{k}"] = sig[:, b * rows + k]
                rec["doc"] = index
                rec.sort(order=dtype.names)  # datatrove's bucket stage merges sorted files
                with self.output_folder.open(f"bucket_{b:03d}/{rank:05d}.minhash.sig", "wb") as f:
                    f.write(rec.tobytes())
            self.stat_update("signed", value=len(index))
        return
        yield


class StudentMinhashCluster(PipelineStep):
    """MinHash stage 3: candidate pairs checked by exact Jaccard, first document in input order kept."""

    type = "🫂 - DEDUP (a4)"
    name = "minhash_cluster"

    def __init__(self, dups_folder: DataFolderLike, docs_folder: DataFolderLike, output_folder: DataFolderLike,
                 ngrams: int, threshold: float) -> None:
        super().__init__()
        self.dups_folder, self.docs_folder = get_datafolder(dups_folder), get_datafolder(docs_folder)
        self.output_folder = get_datafolder(output_folder)
        self.ngrams, self.threshold = ngrams, threshold

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from a4_data.minhash import shingles

        if world_size != 1:
            raise ValueError("clustering is one task: it sees every candidate pair")
        with self.track_time(unit="crawl"):
            groups = []  # per band: the runs of documents whose band values are equal
            for name in self.dups_folder.list_files(glob_pattern="*.dups"):
                with self.dups_folder.open(name, "rb") as f:
                    raw = f.read()
                pairs = [((a, b), (c, d)) for a, b, c, d in struct.iter_unpack("<4I", raw)]
                groups += _components(pairs)
            needed = sorted({node for g in groups for node in g})
            texts: dict[tuple[int, int], set[str]] = {}
            for task in sorted({f for f, _ in needed}):
                docs = read_shard(self.docs_folder, task)
                for f, d in needed:
                    if f == task:
                        texts[(f, d)] = shingles(docs[d]["text"], self.ngrams)
            parent: dict[tuple[int, int], tuple[int, int]] = {}

            def find(x: tuple[int, int]) -> tuple[int, int]:
                while parent.setdefault(x, x) != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            checked: set[tuple] = set()
            for g in groups:
                for i, x in enumerate(g):
                    for y in g[i + 1:]:
                        if (x, y) in checked or find(x) == find(y):
                            continue
                        checked.add((x, y))
                        self.stat_update("candidate_pairs")
                        sx, sy = texts[x], texts[y]
                        inter = len(sx & sy)
                        if inter / (len(sx) + len(sy) - inter) >= self.threshold:
                            self.stat_update("duplicate_pairs")
                            rx, ry = find(x), find(y)
                            parent[max(rx, ry)] = min(rx, ry)  # the root is the first in input order
            remove: dict[int, list[int]] = {}
            for node in sorted(parent):
                if find(node) != node:
                    remove.setdefault(node[0], []).append(node[1])
            for task, docs in remove.items():
                self.stat_update("to_remove", value=len(docs))
                with self.output_folder.open(f"{task:06d}.remove", "wb") as f:
                    f.write(struct.pack(f"<{len(docs)}I", *sorted(docs)))  # datatrove's filter reads them in order
        return
        yield


def _components(pairs: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """Connected components of the pairs of one .dups file, each sorted: a run of k equal band values comes as
    k - 1 consecutive pairs, and each document has one value per band, so components are exactly the runs."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    comps: dict = {}
    for x in list(parent):
        comps.setdefault(find(x), []).append(x)
    return [sorted(c) for c in comps.values()]
