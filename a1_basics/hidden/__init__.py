"""Hidden-only cases of a1 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=("edge_cases", "tokenizer_edges", "model_edges", "moe_edges"))
