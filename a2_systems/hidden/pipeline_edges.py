"""Hidden-only edge cases of a2.pipeline_gpipe and a2.pipeline_1f1b, each within what the handout pins down: four
stages over a single microbatch with a tied embedding (the whole pipeline is bubble), and 1F1B with fewer
microbatches than stages (the warm-up is cut short by m: min(P - s - 1, m))."""

from __future__ import annotations

from a2_systems.cases import pipeline
from shared.cases import Suite

SUITE = Suite(cases=(
    pipeline.train_case("gpipe", "edge_p4_m1_tied", 4, "1", True, "4 stages, one microbatch, tied embeddings",
                        seeds=()),
    pipeline.train_case("1f1b", "edge_p4_m_below_p", 4, "uneven_small", False,
                        "4 stages, fewer microbatches than stages (a short warm-up)", seeds=()),
))
