"""The visible cases of a5: one module per concept, summed into the assignment's SUITE."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=(
    "tokenization", "log_probs", "masked", "steps", "rewards", "losses", "dpo", "gae", "ppo",
))
