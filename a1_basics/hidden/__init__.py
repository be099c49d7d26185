"""Hidden-only cases of a1 (instructor-only): edge cases the handout pins down, run at secret seeds only."""

from a1_basics.hidden import edge_cases, model_edges, moe_edges, tokenizer_edges

SUITE = edge_cases.SUITE + tokenizer_edges.SUITE + model_edges.SUITE + moe_edges.SUITE
