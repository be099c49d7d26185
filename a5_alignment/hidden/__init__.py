"""Hidden-only cases of a5 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a5_alignment.hidden import edges, ppo_edges

SUITE = edges.SUITE + ppo_edges.SUITE
