"""Shingle the raw text (no lowercasing, punctuation or accent removal): near-duplicates that differ only in
case or punctuation are missed."""

from pathlib import Path
from unittest import mock

from a4_data import minhash

UNIT = "a4.minhash"
TARGET = "minhash_deduplication"


def MUTANT(input_files: list, num_hashes: int, num_bands: int, ngrams: int, jaccard_threshold: float,
           output_directory: str, seed: int = 0) -> list[Path]:
    with mock.patch.object(minhash, "normalize_text", lambda t: " ".join(t.split())):
        return minhash.minhash_deduplication(input_files, num_hashes, num_bands, ngrams, jaccard_threshold,
                                             output_directory, seed)
