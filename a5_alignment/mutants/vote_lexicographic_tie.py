"""Ties go to the smallest answer as a string ("10" before "7"), not to the earliest seen."""

from collections import Counter

UNIT = "a5.self_consistency"
TARGET = "majority_vote"


def MUTANT(answers):
    if len(answers) == 0:
        raise ValueError("no answers")
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(a for a, n in counts.items() if n == top)
