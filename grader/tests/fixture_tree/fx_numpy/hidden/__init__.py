"""Hidden-only cases of fx (instructor-only)."""

import numpy as np

from shared.cases import Case, Suite, close

SUITE = Suite(cases=(
    Case(name="add/broadcast", unit="fx.add",
         inputs=lambda rng: {"a": rng.standard_normal((3, 1)), "b": rng.standard_normal((4,))}, compare=close(),
         run=lambda impl, inp: impl.add(inp["a"], inp["b"]), expect=lambda inp: inp["a"] + inp["b"]),
    Case(name="world/hidden", unit="fx.world", inputs=lambda rng: {"values": rng.standard_normal(7)}, compare=close(),
         expect=lambda inp: float(np.sum(inp["values"])), group="world"),
))
