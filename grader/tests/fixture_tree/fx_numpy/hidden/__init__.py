"""Hidden-only cases of fx (instructor-only)."""

from shared.cases import Case, Oracles, Suite, close

ORACLES = Oracles("fx_numpy.oracles.ops")

SUITE = Suite(cases=(
    Case(name="add/broadcast", unit="fx.add",
         inputs=lambda rng: {"a": rng.standard_normal((3, 1)), "b": rng.standard_normal((4,))}, compare=close(),
         run=lambda impl, inp: impl.add(inp["a"], inp["b"]), expect=ORACLES.add),
    Case(name="world/hidden", unit="fx.world", inputs=lambda rng: {"values": rng.standard_normal(7)}, compare=close(),
         expect=ORACLES.total, group="world"),
))
