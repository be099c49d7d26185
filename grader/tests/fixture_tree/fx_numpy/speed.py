"""Adjacent pair counts: the fixture's timed unit (its speed is judged as a ratio, grader/timing.py)."""


def pair_counts(seq: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair (seq[i], seq[i + 1]) occurs, in one pass."""
    # BEGIN SOLUTION
    counts: dict[tuple[int, int], int] = {}
    for pair in zip(seq, seq[1:], strict=False):
        counts[pair] = counts.get(pair, 0) + 1
    return counts
    # END SOLUTION
