"""Samples the residual max(0, p - q) by inverse CDF without dividing by its mass (below one): a uniform draw past
the mass lands on the last token."""

from a2_systems.mutants.inference_spec_accept_p import variant

UNIT = "a2.speculative_decoding"
TARGET = "speculative_decode"
MUTANT = variant(residual="unnormalised")
