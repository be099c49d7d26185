"""Hidden-only cases of fx (instructor-only)."""

import numpy as np

from shared.cases import Case, Suite, close

SUITE = Suite(cases=(
    Case("add/broadcast", "fx.add", lambda rng: {"a": rng.standard_normal((3, 1)), "b": rng.standard_normal((4,))},
         close(), run=lambda impl, inp: impl.add(inp["a"], inp["b"]), expect=lambda inp: inp["a"] + inp["b"],
         seeds=()),
    Case("world/hidden", "fx.world", lambda rng: {"values": rng.standard_normal(7)}, close(),
         expect=lambda inp: float(np.sum(inp["values"])), group="world", seeds=()),
))
