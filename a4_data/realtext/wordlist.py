"""better-profanity's word list (944 English swear words, slurs and sexual terms, MIT licence), less every word
the Wikipedia excerpt uses as a word of its own: the list also holds "god", "job", "she" and "cow", which are
offensive only in some company, and an encyclopedia's vocabulary is a fair test of that. What remains is a
one-word positive example each for the NSFW and toxic classifiers (a word the offensive fortunes never use
still carries weight) and the list masking.py masks."""

from __future__ import annotations

import functools
import re

from a4_data.realtext import wikipedia
from a4_data.realtext.sources import data_file


@functools.cache
def _wikipedia_vocabulary() -> frozenset[str]:
    return frozenset(w.lower() for _, text in wikipedia.load() for w in re.findall(r"[A-Za-z]+", text))


# identity words the list holds beside real slurs: as positives they would teach the toxic model that naming a
# group is abuse (the bias Dixon et al. 2018 measured in toxicity classifiers), so they are never positives
IDENTITY_TERMS = frozenset({"gay", "gays", "gai", "gae", "gey", "ghay", "ghey", "lesbian", "lesbians", "homosexual",
                            "queer", "queers", "jew", "jews", "muslim", "muslims", "black", "asian", "bisexual"})


@functools.cache
def _load() -> tuple[str, ...]:
    words = data_file("better_profanity", "profanity_wordlist.txt").read_text(encoding="utf-8").split()
    return tuple(sorted({w for w in words if len(w) >= 3 and any(c.isalpha() for c in w)
                         and w.lower() not in IDENTITY_TERMS and w.lower() not in _wikipedia_vocabulary()}))


def load() -> list[str]:
    return list(_load())
