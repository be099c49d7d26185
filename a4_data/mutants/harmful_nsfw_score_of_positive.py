"""Always report the probability of "nsfw", also when the label is "non-nsfw" (the score must belong to the
returned label)."""

from a4_data.classifiers import model

UNIT = "a4.harmful"
TARGET = "classify_nsfw"


def MUTANT(text: str) -> tuple[str, float]:
    labels, probs = model("nsfw").predict(" ".join(text.split()), k=2)
    p = dict(zip((x.removeprefix("__label__") for x in labels), (float(q) for q in probs), strict=True))
    label = max(p, key=p.__getitem__)
    return label, p.get("nsfw", 0.0)
