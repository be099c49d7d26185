"""Quality filters: the Gopher rules and a fastText quality classifier (HANDOUT.md §6)."""

from __future__ import annotations

from a4_data.classifiers import model

MIN_WORDS, MAX_WORDS = 50, 100_000
MIN_MEAN_WORD_LEN, MAX_MEAN_WORD_LEN = 3.0, 10.0
MAX_ELLIPSIS_LINE_FRACTION = 0.3
MIN_ALPHA_WORD_FRACTION = 0.8


def gopher_quality_filter(text: str) -> bool:
    """True when `text` passes all four Gopher rules (Rae et al. 2021, Appendix A), every bound inclusive:

    - a word is a whitespace-separated token (`text.split()`); 50 <= number of words <= 100,000;
    - 3 <= mean word length in characters <= 10;
    - at most 30% of lines (`text.split("\\n")`) end in an ellipsis: the line without trailing whitespace ends
      with "..." or "…";
    - at least 80% of words contain at least one alphabetic character (`str.isalpha` of some character).
    """
    # BEGIN SOLUTION
    if not isinstance(text, str):
        raise TypeError(f"gopher_quality_filter takes a str, got {type(text).__name__}")
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    mean_len = sum(len(w) for w in words) / len(words)
    if not MIN_MEAN_WORD_LEN <= mean_len <= MAX_MEAN_WORD_LEN:
        return False
    lines = text.split("\n")
    ellipsis = sum(line.rstrip().endswith(("...", "…")) for line in lines)
    if ellipsis > MAX_ELLIPSIS_LINE_FRACTION * len(lines):
        return False
    alpha = sum(any(c.isalpha() for c in w) for w in words)
    return alpha >= MIN_ALPHA_WORD_FRACTION * len(words)
    # END SOLUTION


def classify_quality(text: str) -> tuple[str, float]:
    """("wiki" | "cc", probability of that label in [0, 1]) from `model("quality")`: "wiki" for text like a
    reference page, "cc" for ordinary web text. Collapse whitespace runs to one space first, as in §5."""
    # BEGIN SOLUTION
    if not isinstance(text, str):
        raise TypeError(f"classify_quality takes a str, got {type(text).__name__}")
    labels, probs = model("quality").predict(" ".join(text.split()), k=1)
    return labels[0].removeprefix("__label__"), float(min(1.0, probs[0]))
    # END SOLUTION
