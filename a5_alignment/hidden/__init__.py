"""Hidden-only cases of a5 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=("edges", "ppo_edges"))
