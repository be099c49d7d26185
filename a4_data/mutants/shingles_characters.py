"""Character 5-grams instead of word n-grams."""

from a4_data.minhash import normalize_text

UNIT = "a4.minhash"
TARGET = "shingles"


def MUTANT(text: str, ngrams: int) -> set[str]:
    t = normalize_text(text)
    return {t[i:i + ngrams] for i in range(max(1, len(t) - ngrams + 1))} if t else set()
