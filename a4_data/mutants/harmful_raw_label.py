"""Return fastText's raw "__label__toxic" instead of "toxic"."""

from a4_data.classifiers import model

UNIT = "a4.harmful"
TARGET = "classify_toxic_speech"


def MUTANT(text: str) -> tuple[str, float]:
    labels, probs = model("toxic").predict(" ".join(text.split()), k=1)
    return labels[0], float(probs[0])
