"""Return fastText's raw label, "__label__en", instead of "en"."""

from a4_data.language import lid_model

UNIT = "a4.langid"
TARGET = "identify_language"


def MUTANT(text: str) -> tuple[str, float]:
    labels, probs = lid_model().predict(text.replace("\n", " "), k=1)
    return labels[0], float(probs[0])
