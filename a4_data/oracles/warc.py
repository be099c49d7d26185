"""Expected values of a4.warc's cases (a4_data/cases/warc.py): the page list the WARC file was written from, with
the warcinfo and request records it skips counted. Instructor-only: no release ships this module, and nothing the
worker imports imports it."""

from __future__ import annotations


def expect_read(inp: dict) -> dict:
    n = len(inp["urls"])
    counts = {"documents": n, "skipped_warcinfo": 1}
    if inp["requests"]:
        counts["skipped_request"] = n
    docs = [[u, b, t] for u, b, t in zip(inp["urls"], inp["bodies"], inp["types"], strict=True)]
    return {"docs": docs, "counts": counts}
