"""Hidden-only cases of a1 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a1_basics.hidden import edge_cases

SUITE = edge_cases.SUITE
