"""Where each source's pages ended after a pipeline run over the real web corpus: one row per source (and per
kind of planted copy), the pages each step dropped and the pages kept. Read from the run's own outputs
(`dropped/<step>/*.jsonl`, `kept.jsonl`) and the corpus's `corpus.jsonl`."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from a4_data.pipeline.definition import FILTER_STEPS

STEPS = (*FILTER_STEPS, "line_dedup", "minhash_dedup")
STUB_WORDS = 30


@dataclass
class SourceOutcome:
    source: str
    pages: int = 0
    dropped: Counter = field(default_factory=Counter)  # step -> pages it dropped
    kept: int = 0
    stubs: int = 0  # kept pages left with fewer than STUB_WORDS words (line dedup took their text)


def _urls(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line).get("metadata", {}).get("url", "") for line in f if line.strip()]


def outcomes(corpus: Path, out: Path) -> list[SourceOutcome]:
    """Rows in corpus order; a planted copy is counted under "<source> (<copy> copy)"."""
    pages = [json.loads(x) for x in (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if x]
    row_of = {p["url"]: p["source"] + (f" ({p['copy']} copies)" if p["copy"] else "") for p in pages}
    rows: dict[str, SourceOutcome] = {}
    for p in pages:
        rows.setdefault(row_of[p["url"]], SourceOutcome(row_of[p["url"]])).pages += 1
    for step in STEPS:
        for f in sorted((out / "dropped" / step).glob("*.jsonl")):
            for u in _urls(f):
                if u in row_of:
                    rows[row_of[u]].dropped[step] += 1
    for line in (out / "kept.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line) if line else {}
        if d.get("url") in row_of:
            rows[row_of[d["url"]]].kept += 1
            rows[row_of[d["url"]]].stubs += len(d["text"].split()) < STUB_WORDS
    return list(rows.values())


def render(rows: list[SourceOutcome]) -> str:
    """A table: pages per source, dropped per step (pii drops nothing), kept, and kept stubs (fewer than
    STUB_WORDS words)."""
    short = {"minhash_dedup": "minhash", "line_dedup": "lines"}
    head = ["source", "pages", *(short.get(s, s) for s in STEPS if s != "pii"), "kept", "of them stubs"]
    body = [[r.source, str(r.pages), *(str(r.dropped[s] or "") for s in STEPS if s != "pii"), str(r.kept),
             str(r.stubs or "")] for r in rows]
    total = ["all", str(sum(r.pages for r in rows)), *(str(sum(r.dropped[s] for r in rows)) for s in STEPS
                                                       if s != "pii"),
             str(sum(r.kept for r in rows)), str(sum(r.stubs for r in rows))]
    table = [head, *body, total]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in table)
