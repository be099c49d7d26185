"""Self-consistency (Wang et al. 2022, "Self-Consistency Improves Chain of Thought Reasoning in Language Models";
HANDOUT.md §12.1): sample k reasoning paths for one problem, read each one's final answer, and answer with the
most frequent of them."""

from __future__ import annotations

from collections.abc import Sequence


def majority_vote(answers: Sequence[str | None]) -> str | None:
    """The most frequent answer among `answers` (one per sampled path), compared as exact strings (normalise
    them before you vote: "12" and "12.0" are two answers here).

    Pinned rules: `None` (a path whose answer could not be read) is never a candidate and never counts; among
    answers tied at the highest count the **earliest seen** wins (the one whose first occurrence comes first);
    when every answer is None the vote is None. No answers at all (k = 0), or an answer that is neither a str
    nor None, is a ValueError.

    Naive equivalent: max(set(a for a in answers if a is not None), key=lambda s: (answers.count(s),
    -answers.index(s))).
    """
    # BEGIN SOLUTION
    if len(answers) == 0:
        raise ValueError("majority_vote needs at least one answer (k >= 1)")
    counts: dict[str, int] = {}  # answer -> votes; dicts keep insertion order: first-seen order
    for a in answers:
        if a is None:
            continue
        if not isinstance(a, str):
            raise ValueError(f"majority_vote: answers must be str or None, got {type(a).__name__}")
        counts[a] = counts.get(a, 0) + 1
    best, best_count = None, 0
    for a, n in counts.items():
        if n > best_count:  # subtle: strictly greater, so a later answer with the same count never displaces
            best, best_count = a, n
    return best
    # END SOLUTION
