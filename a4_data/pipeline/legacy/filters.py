"""The filters of the pipeline, each a small class over the student's functions; thresholds are constructor
defaults (the papers' where there is one)."""

from __future__ import annotations

from a4_data.harmful import classify_nsfw, classify_toxic_speech
from a4_data.language import identify_language
from a4_data.pii import mask_emails, mask_ips, mask_phone_numbers
from a4_data.pipeline.legacy.steps import Document, Filter, Transform
from a4_data.quality import classify_quality, gopher_quality_filter


class SizeFilter(Filter):
    """Drops empty documents, documents over `max_bytes`, and documents with a line over `max_line_chars`
    (minified code, base64 blobs: no classifier should see them)."""

    name = "size"

    def __init__(self, max_bytes: int = 1_000_000, max_line_chars: int = 20_000) -> None:
        super().__init__()
        self.max_bytes, self.max_line_chars = max_bytes, max_line_chars

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        if not doc.text.strip():
            return False, "empty"
        if doc.nbytes > self.max_bytes:
            return False, "too_many_bytes"
        if max(map(len, doc.text.split("\n"))) > self.max_line_chars:
            return False, "huge_line"
        return True


class LanguageFilter(Filter):
    """Keeps documents in `languages` whose lid.176 score is at least `min_score` (CS336 suggests 0.5-0.7)."""

    name = "language"

    def __init__(self, languages: tuple[str, ...] = ("en",), min_score: float = 0.6) -> None:
        super().__init__()
        self.languages, self.min_score = languages, min_score

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        lang, score = identify_language(doc.text)
        doc.metadata["language"], doc.metadata["language_score"] = lang, round(score, 4)
        if lang not in self.languages:
            return False, f"language:{lang}"
        return (True if score >= self.min_score else (False, "language:low_score"))


class HarmfulFilter(Filter):
    """Drops documents the NSFW or toxic-speech classifier flags with probability >= `threshold`."""

    name = "harmful"

    def __init__(self, threshold: float = 0.8) -> None:
        super().__init__()
        self.threshold = threshold

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        for fn, bad in ((classify_nsfw, "nsfw"), (classify_toxic_speech, "toxic")):
            label, score = fn(doc.text)
            if label == bad and score >= self.threshold:
                return False, bad
        return True


class GopherFilter(Filter):
    name = "gopher"

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        return True if gopher_quality_filter(doc.text) else (False, "gopher_rules")


class QualityFilter(Filter):
    """Drops documents the quality classifier calls "cc" with probability >= `threshold`."""

    name = "quality"

    def __init__(self, threshold: float = 0.5) -> None:
        super().__init__()
        self.threshold = threshold

    def keep(self, doc: Document) -> bool | tuple[bool, str]:
        label, score = classify_quality(doc.text)
        doc.metadata["quality"] = round(score if label == "wiki" else 1.0 - score, 4)
        return (False, "low_quality") if label == "cc" and score >= self.threshold else True


class PIIMasker(Transform):
    """Masks emails, phone numbers and IPv4 addresses; counts documents touched per kind."""

    name = "pii"

    def apply(self, doc: Document) -> Document:
        text = doc.text
        for fn, kind in ((mask_emails, "email"), (mask_phone_numbers, "phone"), (mask_ips, "ip")):
            text, n = fn(text)
            if n:
                self.stats.reasons[f"masked_{kind}"] += n
        return Document(doc.url, text, doc.source, doc.metadata)
