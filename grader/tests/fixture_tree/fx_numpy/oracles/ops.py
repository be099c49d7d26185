"""Expected values of fx's cases, named by the case files with `Oracles("fx_numpy.oracles.ops")`."""

import numpy as np

from fx_numpy.cases import TEXT, _sequence


def add(inp: dict) -> np.ndarray:
    return inp["a"] + inp["b"]


def scale(inp: dict) -> np.ndarray:
    return inp["x"] * inp["k"]


def probs(inp: dict) -> np.ndarray:
    return inp["probs"]


def sqrt(inp: dict) -> float:
    return float(np.sqrt(inp["x"]))


def word_counts(inp: dict) -> list[int]:
    return [TEXT.split().count(w) for w in inp["words"]]


def zero(inp: dict) -> int:
    return 0


def total(inp: dict) -> float:
    return float(np.sum(inp["values"]))


def pairs(inp: dict) -> list[list[int]]:
    seq, k = np.array(_sequence(inp)), inp["symbols"]
    counts = np.bincount(seq[:-1] * k + seq[1:], minlength=k * k)
    return [[i // k, i % k, int(c)] for i, c in enumerate(counts) if c]


def distinct_words(inp: dict) -> int:
    return len(set(inp["text"].split()))
