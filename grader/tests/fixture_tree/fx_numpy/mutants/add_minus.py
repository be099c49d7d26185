"""add computes a - b: a sign slip."""

UNIT = "fx.add"
TARGET = "add"


def MUTANT(a, b):  # noqa: N802 - the mutant protocol's name
    return a - b
