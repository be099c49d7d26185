"""A pipeline step is a small class over documents (datatrove's design): a filter implements `keep(doc)`
returning True or (False, reason); a transform implements `apply(doc)`. Statistics come from the base class."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_SAMPLES = 3  # dropped documents remembered per step
SAMPLE_CHARS = 200


@dataclass
class Document:
    url: str
    text: str
    source: str  # the WARC file it came from
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass
class StepStats:
    name: str
    docs_in: int = 0
    docs_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    reasons: Counter = field(default_factory=Counter)  # drop reason -> count (transforms: what they changed)
    samples: list[dict] = field(default_factory=list)  # a few dropped documents: url, reason, text head
    seconds: float = 0.0

    def merge(self, other: StepStats) -> None:
        self.docs_in += other.docs_in
        self.docs_out += other.docs_out
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.reasons.update(other.reasons)
        self.samples += other.samples[: max(0, MAX_SAMPLES - len(self.samples))]
        self.seconds += other.seconds

    def to_dict(self) -> dict:
        return {"name": self.name, "docs_in": self.docs_in, "docs_out": self.docs_out, "bytes_in": self.bytes_in,
                "bytes_out": self.bytes_out, "reasons": dict(self.reasons.most_common()), "samples": self.samples,
                "seconds": round(self.seconds, 4)}

    @classmethod
    def from_dict(cls, d: dict) -> StepStats:
        return cls(d["name"], d["docs_in"], d["docs_out"], d["bytes_in"], d["bytes_out"], Counter(d["reasons"]),
                   list(d["samples"]), d.get("seconds", 0.0))


class Step:
    """Base class: `process(doc)` returns the document (possibly changed) or None when dropped, and counts."""

    name = "step"

    def __init__(self) -> None:
        self.stats = StepStats(self.name)

    def run(self, doc: Document) -> Document | None:
        raise NotImplementedError

    def process(self, doc: Document) -> Document | None:
        import time

        start = time.perf_counter()
        self.stats.docs_in += 1
        self.stats.bytes_in += doc.nbytes
        try:
            out = self.run(doc)
        except Exception as e:  # noqa: BLE001 - a step that fails on one document drops it with the reason, never the run
            out = None
            self._drop(doc, f"error:{type(e).__name__}")
        if out is not None:
            self.stats.docs_out += 1
            self.stats.bytes_out += out.nbytes
        self.stats.seconds += time.perf_counter() - start
        return out

    def _drop(self, doc: Document, reason: str) -> None:
        self.stats.reasons[reason] += 1
        if len(self.stats.samples) < MAX_SAMPLES:
            self.stats.samples.append({"url": doc.url, "reason": reason, "text": doc.text[:SAMPLE_CHARS]})


class Filter(Step):
    """Subclasses implement `keep(doc) -> True | (False, reason)`."""

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        raise NotImplementedError

    def run(self, doc: Document) -> Document | None:
        verdict = self.keep(doc)
        ok, reason = verdict if isinstance(verdict, tuple) else (verdict, self.name)
        if ok:
            return doc
        self._drop(doc, reason)
        return None


class Transform(Step):
    """Subclasses implement `apply(doc) -> Document` and may count what they changed in stats.reasons."""

    def apply(self, doc: Document) -> Document:
        raise NotImplementedError

    def run(self, doc: Document) -> Document | None:
        return self.apply(doc)
