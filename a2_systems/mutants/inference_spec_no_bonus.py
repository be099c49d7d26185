"""No bonus token: when every draft token is accepted the round ends without sampling the target's (k+1)-th
distribution, wasting the target call's last position (the tokens still follow the target; the call count shows it)."""

from a2_systems.mutants.inference_spec_accept_p import variant

UNIT = "a2.speculative_decoding"
TARGET = "speculative_decode"
MUTANT = variant(bonus=False)
