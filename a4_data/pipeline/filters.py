"""The per-document steps: datatrove filters over the student's plain functions (extract.py, language.py,
harmful.py, quality.py, pii.py). Thresholds are constructor defaults (the papers' where there is one).

Each is a datatrove `BaseFilter`: `filter(doc)` returns True or (False, reason), and datatrove counts `total`,
`forwarded`, `dropped` and `dropped_<reason>` per step, and hands every dropped document to the step's
`exclusion_writer` (the runner gives each step one: `<out>/dropped/<step>/`, the dropped samples). A student
function that raises on one document drops that document with reason `error:<Exception>`, never the task.
"""

from __future__ import annotations

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter


class StudentFilter(BaseFilter):
    """Subclasses implement `keep(doc) -> True | (False, reason)`, calling the student's functions."""

    type = "🔻 - FILTER (a4)"

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        raise NotImplementedError

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        try:
            return self.keep(doc)
        except Exception as e:  # noqa: BLE001 - a student function failing on one document drops it, with the reason
            return False, f"error:{type(e).__name__}"


def garbled(text: str, limit: float = 0.1) -> bool:
    """More than `limit` of the characters are replacement characters or control codes: binary data or a
    wrongly declared encoding, not text."""
    bad = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in "\n\t\r"))
    return bad > limit * len(text)


class ExtractText(StudentFilter):
    """The record's payload bytes (from the reader, in doc.media) to text: a WET `conversion` record is text
    already; a `response` goes through `extract_text_from_html_bytes`. No text, or binary, drops."""

    name = "extract"

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.extract import extract_text_from_html_bytes

        payload = doc.media[0].media_bytes if doc.media else b""
        doc.media = []  # the bytes go no further (the writers would drop them anyway)
        head = (payload or b"")[:200].decode("utf-8", errors="replace")
        if doc.metadata.get("record_type") == "conversion":
            text = (payload or b"").decode("utf-8", errors="replace")
        else:
            text = extract_text_from_html_bytes(payload or b"")
        if text is None or not text.strip():
            doc.text = head  # what the dropped sample shows
            return False, "no_text"
        if garbled(text):
            doc.text = head
            return False, "undecodable"
        doc.text = text
        return True


class SizeFilter(StudentFilter):
    """Drops documents over `max_bytes`, and documents with a line over `max_line_chars` (minified code, base64
    blobs: no classifier should see them)."""

    name = "size"

    def __init__(self, max_bytes: int = 1_000_000, max_line_chars: int = 20_000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_bytes, self.max_line_chars = max_bytes, max_line_chars

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        if not doc.text.strip():
            return False, "empty"
        if len(doc.text.encode("utf-8")) > self.max_bytes:
            return False, "too_many_bytes"
        if max(map(len, doc.text.split("\n"))) > self.max_line_chars:
            return False, "huge_line"
        return True


class LanguageFilter(StudentFilter):
    """Keeps documents in `languages` whose lid.176 score is at least `min_score` (CS336 suggests 0.5-0.7)."""

    name = "language"

    def __init__(self, languages: tuple[str, ...] = ("en",), min_score: float = 0.6, **kwargs) -> None:
        super().__init__(**kwargs)
        self.languages, self.min_score = tuple(languages), min_score

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.language import identify_language

        lang, score = identify_language(doc.text)
        doc.metadata["language"], doc.metadata["language_score"] = lang, round(float(score), 4)
        if lang not in self.languages:
            return False, f"language:{lang}"
        return True if score >= self.min_score else (False, "language:low_score")


class GopherFilter(StudentFilter):
    name = "gopher"

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.quality import gopher_quality_filter

        return True if gopher_quality_filter(doc.text) else (False, "gopher_rules")


class HarmfulFilter(StudentFilter):
    """Drops documents the NSFW or toxic-speech classifier flags with probability >= `threshold`."""

    name = "harmful"

    def __init__(self, threshold: float = 0.8, **kwargs) -> None:
        super().__init__(**kwargs)
        self.threshold = threshold

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.harmful import classify_nsfw, classify_toxic_speech

        for fn, bad in ((classify_nsfw, "nsfw"), (classify_toxic_speech, "toxic")):
            label, score = fn(doc.text)
            if label == bad and score >= self.threshold:
                return False, bad
        return True


class QualityFilter(StudentFilter):
    """Drops documents the quality classifier calls "cc" with probability >= `threshold`."""

    name = "quality"

    def __init__(self, threshold: float = 0.5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.threshold = threshold

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.quality import classify_quality

        label, score = classify_quality(doc.text)
        doc.metadata["quality"] = round(float(score if label == "wiki" else 1.0 - score), 4)
        return (False, "low_quality") if label == "cc" and score >= self.threshold else True


class MaskPII(StudentFilter):
    """Masks emails, phone numbers and IPv4 addresses (a transform: it drops nothing but documents its masks
    raise on); counts the masks per kind as `masked_<kind>`."""

    name = "pii"

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        from a4_data.pii import mask_emails, mask_ips, mask_phone_numbers

        text = doc.text
        for fn, kind in ((mask_emails, "email"), (mask_phone_numbers, "phone"), (mask_ips, "ip")):
            text, n = fn(text)
            if n:
                self.stat_update(f"masked_{kind}", value=n)
        doc.text = text
        return True
