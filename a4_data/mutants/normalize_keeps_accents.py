"""NFC instead of NFD before dropping combining marks: precomposed letters keep their accents."""

import unicodedata

UNIT = "a4.minhash"
TARGET = "normalize_text"


def MUTANT(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join("".join(c for c in text if not unicodedata.category(c).startswith("P")).split())
