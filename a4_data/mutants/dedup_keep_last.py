"""Keep the last document of each cluster instead of the first in input order."""

from pathlib import Path

from a4_data.minhash import minhash_deduplication

UNIT = "a4.minhash"
TARGET = "minhash_deduplication"


def MUTANT(input_files: list, num_hashes: int, num_bands: int, ngrams: int, jaccard_threshold: float,
           output_directory: str, seed: int = 0) -> list[Path]:
    return minhash_deduplication(list(reversed(input_files)), num_hashes, num_bands, ngrams, jaccard_threshold,
                                 output_directory, seed)
