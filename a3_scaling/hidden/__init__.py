"""Hidden-only cases of a3 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a3_scaling.hidden import edge_cases

SUITE = edge_cases.SUITE
