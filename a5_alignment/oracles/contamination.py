"""Expected values of a5's contamination cases (a5_alignment/cases/contamination.py), instructor-only: the words
split by a character loop, and every n-gram position of every example compared word by word with every n-gram
position of every training document (no hashing, no sets: the definition, by brute force)."""

from __future__ import annotations


def words_of(text: str) -> list[str]:
    words, current = [], []
    for ch in text.lower():
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _occurs(gram: list[str], docs: list[list[str]]) -> bool:
    n = len(gram)
    return any(doc[i:i + n] == gram for doc in docs for i in range(len(doc) - n + 1))


def expect_brute_force(inp: dict) -> dict:
    n, docs = inp["n"], [words_of(d) for d in inp["train"]]
    contaminated, overlap = [], []
    for example in inp["eval"]:
        w = words_of(example)
        positions = range(len(w) - n + 1)
        hits = [_occurs(w[i:i + n], docs) for i in positions]
        overlap.append(sum(hits) / len(hits) if hits else 0.0)
        contaminated.append(any(hits))
    return {"contaminated": contaminated, "overlap": overlap,
            "contaminated_fraction": sum(contaminated) / len(contaminated)}


def expect_worked(inp: dict) -> dict:
    # by hand (the derivation is beside the inputs in the case file)
    return {"contaminated": [True, True, False], "overlap": [2 / 3, 1 / 2, 0.0], "contaminated_fraction": 2 / 3}


def expect_worked_across(inp: dict) -> dict:
    return {"contaminated": [False], "overlap": [0.0], "contaminated_fraction": 0.0}
