"""Reuse one hash function for every signature position (k copies of one min): agreement is 0 or 1, not an
estimate of Jaccard."""

import mmh3
import numpy as np

UNIT = "a4.minhash"
TARGET = "minhash_signatures"


def MUTANT(shingle_sets: list, num_hashes: int, seed: int = 0) -> np.ndarray:
    out = np.full((len(shingle_sets), num_hashes), np.iinfo(np.uint64).max, dtype=np.uint64)
    for i, s in enumerate(shingle_sets):
        if s:
            out[i] = min(mmh3.hash64(x, seed, signed=False)[0] for x in s)
    return out
