"""Hidden-only edge cases of a2.fsdp, each within what the handout pins down: a frozen weight (kept whole on every
rank, never stepped) beside a tied one, and a model with neither trained for a single AdamW step."""

from __future__ import annotations

from a2_systems.cases import fsdp
from shared.cases import Suite

SUITE = Suite(cases=(
    fsdp.train_case("edge_frozen_and_tied", fsdp.fsdp_inputs("SGD", frozen=True), "a frozen and a tied weight",
                    seeds=()),
    fsdp.train_case("edge_plain_one_step", fsdp.fsdp_inputs("AdamW", n_blocks=1, steps=1, tied=False),
                    "no tied or frozen weight, one AdamW step", seeds=()),
))
