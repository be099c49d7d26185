"""Expected values of a4.gopher's cases (a4_data/cases/gopher.py): the verdicts the texts were built to have.
Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations


def expect_verdicts(inp: dict) -> list:
    return list(inp["verdicts"])
