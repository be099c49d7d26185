"""Expected values of a4.minhash's cases (a4_data/cases/minhash.py): the worked examples, the normal forms and word
n-grams the texts were built with, and deduplication by clusters found with exact Jaccard over all pairs (the naive
equivalent). Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations

import itertools

from a4_data.cases.minhash import NORMALIZE, SHINGLES


def expect_normalize_worked(inp: dict) -> list[str]:
    return [want for _, want in NORMALIZE]


def expect_shingles_worked(inp: dict) -> list:
    return [want for _, _, want in SHINGLES]


def expect_wants(inp: dict) -> list[str]:
    return inp["wants"]


def expect_shingles(inp: dict) -> list:
    """Word n-grams of each text's normal words (fewer words than n: one shingle, the whole text)."""
    out = []
    for words, n in zip(inp["words"], inp["n"], strict=True):
        if not words:
            out.append([])
        elif len(words) < n:
            out.append([" ".join(words)])
        else:
            out.append(sorted({" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}))
    return out


def _naive_shingles(text: str, n: int) -> set[tuple[str, ...]]:
    import unicodedata

    t = unicodedata.normalize("NFD", text)
    t = "".join(c for c in t if unicodedata.category(c) != "Mn" and not unicodedata.category(c).startswith("P"))
    w = t.lower().split()
    return {tuple(w)} if 0 < len(w) < n else {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def expect_dedup(inp: dict) -> list[str]:
    """Exact Jaccard over all pairs, connected components, first in input order kept."""
    sets = [_naive_shingles(d, inp["ngrams"]) for d in inp["docs"]]
    parent = list(range(len(sets)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(sets)), 2):
        if sets[i] and sets[j] and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= inp["threshold"]:
            a, b = find(i), find(j)
            parent[max(a, b)] = min(a, b)
    return sorted(inp["names"][i] for i in range(len(sets)) if find(i) == i)
