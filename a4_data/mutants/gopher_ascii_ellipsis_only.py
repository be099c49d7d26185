"""Count only "..." as an ellipsis and test the raw line (trailing spaces hide it; "…" is missed)."""

UNIT = "a4.gopher"
TARGET = "gopher_quality_filter"


def MUTANT(text: str) -> bool:
    words = text.split()
    if not 50 <= len(words) <= 100_000:
        return False
    mean = sum(map(len, words)) / len(words)
    if not 3 <= mean <= 10:
        return False
    lines = text.split("\n")
    if sum(line.endswith("...") for line in lines) > 0.3 * len(lines):
        return False
    return sum(any(c.isalpha() for c in w) for w in words) >= 0.8 * len(words)
