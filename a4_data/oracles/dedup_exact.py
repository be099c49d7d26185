"""Expected values of a4.exact_dedup's cases (a4_data/cases/dedup_exact.py, and the hidden edge case that reuses
them): the worked example by hand, and lines counted with a plain Counter of strings (no hashing), those seen once
kept. Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations

from collections import Counter

# worked by hand: "home" twice in a.txt, "hello world" in both files; the unique lines stay, "last" keeps
# having no newline
WORKED = {"a.txt": "unique a\n", "b.txt": "unique b\nlast"}


def expect_worked(inp: dict) -> dict:
    return dict(WORKED)


def expect_dedup(inp: dict) -> dict:
    counts = Counter(line.rstrip("\n") for text in inp["files"].values() for line in text.splitlines(keepends=True))
    return {name: "".join(line for line in text.splitlines(keepends=True) if counts[line.rstrip("\n")] == 1)
            for name, text in sorted(inp["files"].items())}
