"""Expected values of a5's self-consistency and best-of-N cases (a5_alignment/cases/inference.py), instructor-only:
counts by brute force over every distinct answer (list.count, list.index), and the lowest index attaining the
maximum; the hand-written picks of the worked examples must agree with them."""

from __future__ import annotations

from a5_alignment.cases.inference import BEST_WORKED, VOTE_WORKED


def vote(answers: list) -> str | None:
    candidates = {a for a in answers if a is not None}
    if not candidates:
        return None
    # the highest count, then the smallest first index
    return max(candidates, key=lambda a: (answers.count(a), -answers.index(a)))


def best(scores: list[float]) -> int:
    top = max(scores)
    return min(i for i, s in enumerate(scores) if s == top)


def _agree(got: list, want: list, what: str) -> list:
    if got != want:
        raise AssertionError(f"{what}: the oracle gives {got}, the worked examples say {want}")
    return got


def expect_votes(inp: dict) -> list:
    return [vote(list(a)) for a in inp["lists"]]


def expect_votes_worked(inp: dict) -> list:
    return _agree(expect_votes(inp), [w for _, w in VOTE_WORKED], "majority_vote worked examples")


def expect_best(inp: dict) -> list[int]:
    return [best([float(x) for x in s]) for s in inp["lists"]]


def expect_best_worked(inp: dict) -> list[int]:
    return _agree(expect_best(inp), [w for _, w in BEST_WORKED], "best_of_n worked examples")
