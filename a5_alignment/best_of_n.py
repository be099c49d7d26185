"""Best-of-N (rejection sampling; Nakano et al. 2021, Stiennon et al. 2020; HANDOUT.md §12.2): sample N answers to
one problem, score each with a verifier or a learned reward model, keep the one that scores highest."""

from __future__ import annotations

import math
from collections.abc import Sequence


def best_of_n(scores: Sequence[float]) -> int:
    """The index of the highest of `scores` (one per sample), compared as the given values (float64 Python
    floats; a list fed to torch.tensor becomes float32 and merges scores that differ by less than 1e-7).

    Pinned rules: ties go to the **lowest index** (the sample drawn first), which matters for a 0/1 verifier,
    where every correct sample ties; +-inf are valid scores. No scores (N = 0) or a NaN score (a broken scorer:
    NaN compares false with everything, so it would never win or always win depending on the code) is a
    ValueError.

    Naive equivalent: min(i for i in range(N) if scores[i] == max(scores)).
    """
    # BEGIN SOLUTION
    values = [float(s) for s in scores]
    if not values:
        raise ValueError("best_of_n needs at least one score (N >= 1)")
    if any(math.isnan(v) for v in values):
        raise ValueError(f"best_of_n: a score is NaN (sample {next(i for i, v in enumerate(values) if v != v)})")
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:  # strictly greater: the first of equal scores stays
            best = i
    return best
    # END SOLUTION
