"""On a rejection, samples the replacement from p instead of norm(max(0, p - q)): tokens the draft over-proposes
come out too often."""

from a2_systems.mutants.inference_spec_accept_p import variant

UNIT = "a2.speculative_decoding"
TARGET = "speculative_decode"
MUTANT = variant(residual="p")
