"""Hidden-only cases of a4 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a4_data.hidden import edge_cases

SUITE = edge_cases.SUITE
