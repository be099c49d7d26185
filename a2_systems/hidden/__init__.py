"""Hidden-only cases of a2 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=("flash_edges", "ddp_edges", "inference_edges", "tp_edges", "fsdp_edges"))
