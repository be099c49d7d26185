"""add computes a - b: a sign slip."""

UNIT = "fx.add"
TARGET = "add"


def MUTANT(a, b):
    return a - b
