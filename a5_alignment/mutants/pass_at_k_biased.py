"""The plug-in estimate 1 - (1 - c/n)^k: draws with replacement, biased (Chen et al. 2021 §2.1)."""

UNIT = "a5.pass_at_k"
TARGET = "pass_at_k"


def MUTANT(n, c, k):
    return 1.0 - (1.0 - c / n) ** k
