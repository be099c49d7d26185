"""Quality filters (HANDOUT.md §6). A student's version: the classifier is right; the Gopher filter counts a
word as alphabetic only when all its characters are letters."""

from __future__ import annotations

from a4_data.classifiers import model


def gopher_quality_filter(text: str) -> bool:
    words = text.split()
    n = len(words)
    if n < 50 or n > 100_000:
        return False
    mean = sum(len(w) for w in words) / n
    if mean < 3 or mean > 10:
        return False
    lines = text.split("\n")
    if sum(1 for line in lines if line.rstrip().endswith(("...", "…"))) / len(lines) > 0.3:
        return False
    return sum(1 for w in words if w.isalpha()) / n >= 0.8


def classify_quality(text: str) -> tuple[str, float]:
    labels, probs = model("quality").predict(" ".join(text.split()))
    return labels[0].replace("__label__", ""), float(min(probs[0], 1.0))
