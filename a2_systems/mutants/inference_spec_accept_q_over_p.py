"""The acceptance ratio upside down: min(1, q(x) / p(x)) keeps the tokens the draft likes more than the target."""

from a2_systems.mutants.inference_spec_accept_p import variant

UNIT = "a2.speculative_decoding"
TARGET = "speculative_decode"
MUTANT = variant(accept="q_over_p")
