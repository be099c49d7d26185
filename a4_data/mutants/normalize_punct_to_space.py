"""Replace punctuation with a space instead of deleting it: "Don't" becomes "don t" (§7.2 pins deletion)."""

import unicodedata

UNIT = "a4.minhash"
TARGET = "normalize_text"


def MUTANT(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join("".join(" " if unicodedata.category(c).startswith("P") else c for c in text).split())
