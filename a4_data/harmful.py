"""Harmful-content classifiers: NSFW and toxic speech (HANDOUT.md §5).

The fastText models come ready from `classifiers.model(...)` (trained by the project on text it writes); your
part is to query them correctly and return the pinned labels.
"""

from __future__ import annotations

from a4_data.classifiers import model


def classify_nsfw(text: str) -> tuple[str, float]:
    """("nsfw" | "non-nsfw", probability of that label in [0, 1]) from `model("nsfw")`.

    fastText's predict takes one line: collapse every whitespace run (newlines included) to one space first.
    """
    # BEGIN SOLUTION
    return _top(model("nsfw"), text, "classify_nsfw")
    # END SOLUTION


def classify_toxic_speech(text: str) -> tuple[str, float]:
    """("toxic" | "non-toxic", probability of that label in [0, 1]) from `model("toxic")`; same input rule."""
    # BEGIN SOLUTION
    return _top(model("toxic"), text, "classify_toxic_speech")
    # END SOLUTION


# BEGIN SOLUTION ONLY
def _top(m: object, text: str, name: str) -> tuple[str, float]:
    if not isinstance(text, str):
        raise TypeError(f"{name} takes a str, got {type(text).__name__}")
    labels, probs = m.predict(" ".join(text.split()), k=1)  # type: ignore[attr-defined]
    return labels[0].removeprefix("__label__"), float(min(1.0, probs[0]))
# END SOLUTION ONLY
