"""pair_counts recounts the whole sequence once per distinct pair: right counts, about 7x the one-pass time."""

UNIT = "fx.speed"
TARGET = "pair_counts"


def MUTANT(seq):
    pairs = list(zip(seq, seq[1:], strict=False))
    return {p: pairs.count(p) for p in set(pairs)}
