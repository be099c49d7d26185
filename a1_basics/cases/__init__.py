"""The visible cases of a1: one module per concept, summed into the assignment's SUITE."""

from a1_basics.cases import activations, attention, embedding, linear, rmsnorm, rope

SUITE = linear.SUITE + embedding.SUITE + rmsnorm.SUITE + activations.SUITE + attention.SUITE + rope.SUITE
