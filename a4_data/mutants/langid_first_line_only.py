"""Predict on the first line only (a common way around fastText's newline error): multi-line texts are judged
by a fragment, and the scores change."""

from a4_data.language import lid_model

UNIT = "a4.langid"
TARGET = "identify_language"


def MUTANT(text: str) -> tuple[str, float]:
    labels, probs = lid_model().predict(text.split("\n")[0], k=1)
    return labels[0].removeprefix("__label__"), float(probs[0])
