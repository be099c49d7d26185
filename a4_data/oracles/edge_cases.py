"""Expected values of a4's hidden edge cases (a4_data/hidden/edge_cases.py) that are not the visible cases' own
oracles (those are in a4_data/oracles/pii.py and dedup_exact.py): an empty WARC file yields nothing, the Gopher
verdicts the texts were built to have, and the near-duplicate cluster's first member kept. Instructor-only: no
release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations


def expect_empty_warc(inp: dict) -> dict:
    return {"docs": [], "counts": {}}


def expect_verdicts(inp: dict) -> list:
    return list(inp["verdicts"])


def expect_first_kept(inp: dict) -> list[str]:
    return ["b.txt", "c.txt"]
