"""Hidden-only edge cases of the DDP and ZeRO-1 units, each within what the handout pins down: a bucket cap below
every parameter's size (each parameter in its own bucket, no empty bucket), a model with neither tied nor frozen
weights and a single block, and a ZeRO-1 run with a single parameter (one rank owns nothing) and with Adam."""

from __future__ import annotations

from a2_systems.cases import ddp, zero1
from shared.cases import Case, Oracles, Suite

DDP_ORACLES = Oracles("a2_systems.oracles.ddp")
ZERO1_ORACLES = Oracles("a2_systems.oracles.zero1")


def _ddp(unit: str, name: str, make, note: str) -> Case:
    return Case(name=f"{ddp.GROUP[unit]}/{name}", inputs=make,
                compare=ddp.world(f"{ddp.GROUP[unit]} training", ddp._check_train(unit)),
                expect=DDP_ORACLES.expect_train,
                group=ddp.GROUP[unit], note=note)


def _zero1(name: str, make, note: str) -> Case:
    return Case(name=f"zero1/{name}", inputs=make, compare=zero1.world("zero1", zero1.check_zero1),
                expect=ZERO1_ORACLES.expect_zero1, group="zero1", note=note)


PLAIN = {"n_blocks": 1, "tied": False, "frozen": False}
SUITE = Suite(cases=(
    _ddp(ddp.BUCKETED, "edge_tiny_cap", ddp.train_inputs(ddp.BUCKETED, bucket_size_mb=1e-7),
         "a cap smaller than every parameter: one bucket per parameter"),
    _ddp(ddp.NAIVE, "edge_plain_model", ddp.train_inputs(ddp.NAIVE, **PLAIN), "no tied or frozen weights"),
    _ddp(ddp.FLAT, "edge_plain_model", ddp.train_inputs(ddp.FLAT, **PLAIN), "no tied or frozen weights"),
    _ddp(ddp.OVERLAP, "edge_plain_model", ddp.train_inputs(ddp.OVERLAP, **PLAIN), "no tied or frozen weights"),
    _zero1("edge_single_parameter", zero1.zero1_inputs("AdamW", groups=False, n_layers=(1, 2), steps=2,
                                                       single=True),
           "one parameter: rank 1 owns nothing and still receives the update"),
    _zero1("edge_adam_groups", zero1.zero1_inputs("Adam", groups=True), "Adam with two param groups"),
))
