"""Predict on the first line only: fastText's predict stops at a newline, so a multi-line page is judged by
its first line."""

from a4_data.classifiers import model

UNIT = "a4.quality"
TARGET = "classify_quality"


def MUTANT(text: str) -> tuple[str, float]:
    labels, probs = model("quality").predict(text.split("\n")[0], k=1)
    return labels[0].removeprefix("__label__"), float(min(1.0, probs[0]))
