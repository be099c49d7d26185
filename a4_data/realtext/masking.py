"""Masking the worst words of an offensive text before it is shown (a test message, the handout): every word of
better-profanity's list, and its plural or -ing/-ed/-er forms, keeps its first letter and loses the rest to '*'."""

from __future__ import annotations

import functools
import re

from a4_data.realtext import wordlist

CONTENT_WARNING = "CONTENT WARNING: offensive text (sexual, vulgar, slurs) follows; its worst words are masked."
_WORD = re.compile(r"[A-Za-z]+")
_SUFFIXES = ("", "s", "es", "ed", "er", "ers", "ing", "in", "y")


@functools.cache
def _listed() -> frozenset[str]:
    return frozenset(w.lower() for w in wordlist.load() if w.isalpha())


def is_worst(word: str) -> bool:
    w = word.lower()
    return any(w.endswith(s) and w[:len(w) - len(s)] in _listed() for s in _SUFFIXES if len(w) > len(s))


def mask(text: str) -> str:
    """`text` with each listed word masked: "f***" for a listed four-letter word; everything else unchanged."""
    if not isinstance(text, str):
        raise TypeError(f"mask takes a str, got {type(text).__name__}")
    return _WORD.sub(lambda m: m[0][0] + "*" * (len(m[0]) - 1) if is_worst(m[0]) else m[0], text)


def shown(text: str, limit: int = 160) -> str:
    """A masked one-line excerpt of `text` for a message, at most `limit` characters."""
    line = mask(" ".join(text.split()))
    return line if len(line) <= limit else line[:limit - 3] + "..."
