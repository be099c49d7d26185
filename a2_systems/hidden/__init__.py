"""Hidden-only cases of a2 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a2_systems.hidden import ddp_edges, flash_edges, fsdp_edges, inference_edges, tp_edges
from shared.cases import Suite

SUITE = Suite() + flash_edges.SUITE
SUITE += ddp_edges.SUITE
SUITE += inference_edges.SUITE
SUITE += tp_edges.SUITE + fsdp_edges.SUITE
