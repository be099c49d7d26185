"""The pipeline's settings (one dataclass: the CLI's flags come from it) and its input files."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")


@dataclass(frozen=True)
class PipelineConfig:
    """Filter WARC/WET files into JSONL on datatrove: language, Gopher rules, harmful content, quality, PII, line
    dedup, MinHash dedup. Resumable: rerun the same command after a crash and only unfinished tasks run."""

    inputs: str = field(default="out/a4/warc", metadata={"help": "a folder of .warc[.gz]/.wet[.gz] files, or one file"})
    corpus: Literal["inputs", "real"] = field(
        default="inputs", metadata={"help": "inputs: the files of --inputs; real: the real web corpus, built once "
                                            "into the data dir (python -m a4_data.pipeline.real_data)"})
    out: Path = field(default=Path("out/a4/filtered"), metadata={"help": "output folder (kept.jsonl, stats.json)"})
    workers: int = field(default=2, metadata={"help": "tasks run at once (one WARC file per task)"})
    executor: Literal["local", "slurm", "ray"] = field(
        default="local", metadata={"help": "local: this machine; slurm: write the sbatch scripts (see --submit); "
                                           "ray: a Ray cluster (pip install '.[a4-scale]')"})
    submit: bool = field(default=False, metadata={"help": "slurm: submit with sbatch (default: write the scripts)"})
    partition: str = field(default="cpu", metadata={"help": "slurm partition"})
    languages: str = field(default="en", metadata={"help": "comma-separated lid.176 codes to keep"})
    min_language_score: float = field(default=0.6, metadata={"help": "lid.176 probability needed to keep"})
    harmful_threshold: float = field(default=0.8, metadata={"help": "NSFW/toxic probability that drops"})
    quality_threshold: float = field(default=0.5, metadata={"help": "'cc' probability that drops"})
    max_line_chars: int = field(default=20_000, metadata={"help": "a longer line drops the document"})
    minhash: bool = field(default=True, metadata={"help": "near-duplicate removal across all files"})
    line_dedup: bool = field(default=True, metadata={"help": "remove lines repeated across documents"})
    num_hashes: int = field(default=128, metadata={"help": "MinHash signature length"})
    num_bands: int = field(default=32, metadata={"help": "LSH bands (num_hashes must be a multiple)"})
    ngrams: int = field(default=5, metadata={"help": "word n-gram shingle size"})
    jaccard_threshold: float = field(default=0.8, metadata={"help": "near-duplicate threshold"})
    samples: int = field(default=2, metadata={"help": "dropped documents shown per step"})

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"--workers must be >= 1, got {self.workers}")
        if self.num_bands < 1 or self.num_hashes % self.num_bands:
            raise ValueError(f"--num-hashes ({self.num_hashes}) must be a positive multiple of --num-bands "
                             f"({self.num_bands})")
        if not 0.0 <= self.jaccard_threshold <= 1.0:
            raise ValueError(f"--jaccard-threshold must be in [0, 1], got {self.jaccard_threshold}")

    def language_codes(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.languages.split(",") if x.strip())

    def fingerprint(self, files: list[Path]) -> dict:
        """What decides the outputs: every setting but how it is run, and the input files. A rerun into the same
        folder with another fingerprint would mix two runs' completed tasks, so it is refused."""
        run_only = {"workers", "executor", "submit", "partition", "samples", "out"}
        settings = {k: str(v) for k, v in asdict(self).items() if k not in run_only}
        return {"settings": settings, "files": [[f.name, f.stat().st_size] for f in files]}


def input_files(inputs: str) -> list[Path]:
    p = Path(inputs)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise FileNotFoundError(f"{inputs}: no such file or folder (make demo WARC files with "
                                f"`python -m a4_data.pipeline.demo_data --out {inputs}`)")
    files = sorted(f for f in p.iterdir() if f.name.endswith(WARC_SUFFIXES))
    if not files:
        raise FileNotFoundError(f"{inputs}: no {'/'.join(WARC_SUFFIXES)} files in this folder")
    return files


def check_fingerprint(out: Path, fingerprint: dict) -> None:
    """First run: record the fingerprint. Rerun: it must match (resume), or the run is refused."""
    path = out / "run.json"
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != fingerprint:
            changed = sorted(k for k in fingerprint["settings"] if old["settings"].get(k) != fingerprint["settings"][k])
            what = f"settings {', '.join(changed)}" if changed else "input files"
            raise ValueError(f"{out} holds a run with other {what}; resuming it would mix the two runs. "
                             f"Use another --out, or delete {out}")
        return
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fingerprint, indent=1), encoding="utf-8")
