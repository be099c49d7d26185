"""The pipeline definition: its stages as lists of datatrove steps, with how many tasks each runs. The same
definition runs on this machine (runner.py, LocalPipelineExecutor) and on a cluster (scale.py, Slurm or Ray):
an executor only decides where the tasks run.

Folders under `out` (datatrove's layout: every stage writes files, the next reads them):
    filtered/{task}.jsonl          kept by the per-document filters (one task per WARC file)
    lines/{task}.jsonl             after line dedup (every task's shard, empty ones too)
    minhash/signatures/bucket_{band}/{task}.minhash.sig, minhash/buckets/*.dups, minhash/remove/*.remove
    kept/{task}.jsonl              after MinHash dedup; runner.py joins them into kept.jsonl
    dropped/{step}/{task}.jsonl    every dropped document, with its reason (metadata.filter_reason)
    logs/{stage}/                  datatrove's logs, per-task stats and completion markers (what a rerun skips)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import MinhashDedupBuckets, MinhashDedupFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from a4_data.pipeline.config import PipelineConfig
from a4_data.pipeline.dedup import LineDedup, StudentMinhashCluster, StudentMinhashSignature, minhash_config
from a4_data.pipeline.filters import (
    ExtractText,
    GopherFilter,
    HarmfulFilter,
    LanguageFilter,
    MaskPII,
    QualityFilter,
    SizeFilter,
)
from a4_data.pipeline.reader import CrawlReader

# the per-document steps, in order; the pipeline report and the tests read their names from here
FILTER_STEPS = ("extract", "size", "language", "gopher", "harmful", "quality", "pii")


@dataclass
class Stage:
    name: str
    steps: list[PipelineStep]
    tasks: int


class EnsureShard(PipelineStep):
    """After a writer: a task that kept nothing still leaves its (empty) shard, so that `files[rank]` of the
    next stage's reader is this task's shard (datatrove's writers create a file only on the first document)."""

    type = "💽 - WRITER (a4)"
    name = "ensure_shard"

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = get_datafolder(folder)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        yield from data or ()
        if not self.folder.exists(f"{rank:05d}.jsonl"):
            self.folder.open(f"{rank:05d}.jsonl", "wt").close()


def _writer(folder: Path) -> JsonlWriter:
    return JsonlWriter(str(folder), output_filename="${rank}.jsonl", compression=None)


def _dropped(out: Path, step: str) -> JsonlWriter:
    return _writer(out / "dropped" / step)


def per_document_steps(cfg: PipelineConfig, out: Path) -> list[PipelineStep]:
    """The filters of stage `filter`, each writing what it drops to dropped/<name>/."""
    return [ExtractText(exclusion_writer=_dropped(out, "extract")),
            SizeFilter(max_line_chars=cfg.max_line_chars, exclusion_writer=_dropped(out, "size")),
            LanguageFilter(cfg.language_codes(), cfg.min_language_score, exclusion_writer=_dropped(out, "language")),
            GopherFilter(exclusion_writer=_dropped(out, "gopher")),
            HarmfulFilter(cfg.harmful_threshold, exclusion_writer=_dropped(out, "harmful")),
            QualityFilter(cfg.quality_threshold, exclusion_writer=_dropped(out, "quality")),
            MaskPII(exclusion_writer=_dropped(out, "pii"))]


def stages(cfg: PipelineConfig, files: list[Path], out: Path | None = None) -> list[Stage]:
    """`files`: the input WARC/WET files (one filter task each, so `files[rank::tasks]` is file `rank`). `out`:
    where the stages write (default cfg.out; an absolute path for a cluster, whose tasks start elsewhere)."""
    out = Path(out if out is not None else cfg.out)
    n = len(files)
    # the input list is fixed in a paths file: task `rank` reads line `rank` (the folder may hold other files)
    out.mkdir(parents=True, exist_ok=True)
    (out / "inputs.txt").write_text("".join(f.name + "\n" for f in files), encoding="utf-8")
    reader = CrawlReader(str(files[0].parent.resolve()), paths_file=str(out / "inputs.txt"))
    result = [Stage("filter", [reader, *per_document_steps(cfg, out), _writer(out / "filtered"),
                               EnsureShard(str(out / "filtered"))], n)]
    docs = out / "filtered"
    if cfg.line_dedup:
        result.append(Stage("line_dedup", [LineDedup(str(docs), str(out / "lines"), n,
                                                     exclusion_writer=_dropped(out, "line_dedup"))], 1))
        docs = out / "lines"
    if cfg.minhash:
        result += minhash_stages(cfg, docs, out, n)
    return result


def minhash_stages(cfg: PipelineConfig, docs: Path, out: Path, shards: int) -> list[Stage]:
    """MinHash near-dedup of the JSONL shards `docs/{task:05d}.jsonl` (all `shards` of them, empty ones too)
    into out/kept/, in datatrove's four stages (dedup.py says what each does)."""
    mh = out / "minhash"
    conf = minhash_config(cfg.num_hashes, cfg.num_bands, cfg.ngrams)
    return [
        Stage("minhash_signatures", [JsonlReader(str(docs)), StudentMinhashSignature(
            str(mh / "signatures"), cfg.num_hashes, cfg.num_bands, cfg.ngrams)], shards),
        Stage("minhash_buckets", [MinhashDedupBuckets(str(mh / "signatures"), str(mh / "buckets"), config=conf)],
              cfg.num_bands),
        Stage("minhash_cluster", [StudentMinhashCluster(str(mh / "buckets"), str(docs), str(mh / "remove"),
                                                        cfg.ngrams, cfg.jaccard_threshold)], 1),
        Stage("minhash_filter", [JsonlReader(str(docs)), MinhashDedupFilter(
            str(mh / "remove"), exclusion_writer=_dropped(out, "minhash_dedup")), _writer(out / "kept")], shards),
    ]


def kept_folder(cfg: PipelineConfig, out: Path | None = None) -> Path:
    out = Path(out if out is not None else cfg.out)
    return out / ("kept" if cfg.minhash else "lines" if cfg.line_dedup else "filtered")
