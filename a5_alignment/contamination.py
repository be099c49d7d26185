"""Train/test contamination by n-gram overlap (HANDOUT.md §11.5), as GPT-3's contamination study measured it (Brown
et al. 2020, appendix C): an evaluation example is contaminated when one of its n-grams of normalised words (13 by
default) also occurs in a training document."""

from __future__ import annotations

from typing import Any


def normalize_words(text: str) -> list[str]:
    """Lowercase, every character that is not a letter or digit (str.isalnum) becomes a space, then split:
    "The cat's hat, 42!" -> ["the", "cat", "s", "hat", "42"]."""
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def ngram_contamination(train_docs: list[str], eval_examples: list[str], n: int = 13) -> dict[str, Any]:
    """{"contaminated": [bool per example], "overlap": [float per example], "contaminated_fraction": float}.

    - words are normalize_words of each text; an n-gram is n consecutive words of ONE text (never spanning two
      training documents);
    - an example with m >= n words has m - n + 1 n-grams (repeats counted); its overlap is the fraction of them
      that occur in some training document, and it is contaminated when that fraction is > 0; an example with
      fewer than n words has no n-gram: overlap 0.0, not contaminated;
    - contaminated_fraction is the share of contaminated examples.
    n < 1, or no evaluation example, is a ValueError.
    """
    # BEGIN SOLUTION
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"ngram_contamination: n must be an int >= 1, got {n!r}")
    if len(eval_examples) == 0:
        raise ValueError("ngram_contamination: no evaluation examples")
    seen: set[tuple[str, ...]] = set()
    for doc in train_docs:
        words = normalize_words(doc)
        seen.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    contaminated, overlap = [], []
    for example in eval_examples:
        words = normalize_words(example)
        grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
        hits = sum(g in seen for g in grams)
        overlap.append(hits / len(grams) if grams else 0.0)
        contaminated.append(hits > 0)
    return {"contaminated": contaminated, "overlap": overlap,
            "contaminated_fraction": sum(contaminated) / len(contaminated)}
    # END SOLUTION
