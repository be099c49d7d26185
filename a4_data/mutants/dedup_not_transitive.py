"""Drop a document only when it is similar to a document kept so far: in a chain A ~ B ~ C where A and C are
not similar enough, C is kept although it belongs to A's cluster."""

import shutil
from pathlib import Path

from a4_data.minhash import shingles

UNIT = "a4.minhash"
TARGET = "minhash_deduplication"


def MUTANT(input_files: list, num_hashes: int, num_bands: int, ngrams: int, jaccard_threshold: float,
           output_directory: str, seed: int = 0) -> list[Path]:
    if num_hashes % num_bands:
        raise ValueError("num_hashes must be a multiple of num_bands")
    out = Path(output_directory)
    out.mkdir(parents=True, exist_ok=True)
    kept: list[set[str]] = []
    written = []
    for p in map(Path, input_files):
        s = shingles(p.read_text(encoding="utf-8"), ngrams)
        if s and any(k and len(s & k) / len(s | k) >= jaccard_threshold for k in kept):
            continue
        kept.append(s)
        shutil.copyfile(p, out / p.name)
        written.append(out / p.name)
    return written
