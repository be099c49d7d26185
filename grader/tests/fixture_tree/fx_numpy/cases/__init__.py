"""Visible cases of fx: one per kind of comparator, a fixture and a group."""

import numpy as np

from shared.cases import Case, Fixture, Group, Suite, close, distribution, exact, predicate, raises


def _ab(rng: np.random.Generator) -> dict:
    return {"a": rng.standard_normal((3, 4)), "b": rng.standard_normal((3, 4))}


def _world(impl, inputs_list: list[dict]) -> list:
    sums = impl.world_sum([inp["values"] for inp in inputs_list])
    return [float(s) for s in sums]


TEXT = "the cat sat on the mat the end"

SUITE = Suite(
    cases=(
        Case("add/random", "fx.add", _ab, close(), run=lambda impl, inp: impl.add(inp["a"], inp["b"]),
             expect=lambda inp: inp["a"] + inp["b"], seeds=(0, 1), note="a + b on random arrays"),
        Case("add/commutes", "fx.add", _ab,
             predicate("commutes", lambda inp, out: bool(np.allclose(out[0], out[1])) and
                       bool(np.allclose(out[0], inp["a"] + inp["b"]))),
             run=lambda impl, inp: (impl.add(inp["a"], inp["b"]), impl.add(inp["b"], inp["a"]))),
        Case("scale/int", "fx.scale", lambda rng: {"x": rng.integers(-5, 5, (4,)), "k": int(rng.integers(2, 5))},
             exact(), run=lambda impl, inp: impl.scale(inp["x"], inp["k"]), expect=lambda inp: inp["x"] * inp["k"]),
        Case("scale/float", "fx.scale", lambda rng: {"x": rng.standard_normal((5,)), "k": 3}, close(),
             run=lambda impl, inp: impl.scale(inp["x"], inp["k"]), expect="reference"),
        Case("sample/chi2", "fx.sample",
             lambda rng: {"probs": np.array([0.1, 0.2, 0.3, 0.4]), "n": 4000, "seed": int(rng.integers(1 << 30))},
             distribution(), run=lambda impl, inp: impl.sample(inp["probs"], inp["n"], inp["seed"]),
             expect=lambda inp: inp["probs"]),
        Case("sqrt/value", "fx.sqrt", lambda rng: {"x": float(rng.uniform(1, 100))}, close(),
             run=lambda impl, inp: impl.checked_sqrt(inp["x"]), expect=lambda inp: float(np.sqrt(inp["x"]))),
        Case("sqrt/leaderboard", "fx.sqrt", lambda rng: {"x": 16.0},
             predicate("a dict with the value", lambda inp, out: abs(out["value"] - 4.0) < 1e-12),
             run=lambda impl, inp: {"value": impl.checked_sqrt(inp["x"])}, hidden_draws=0),
        Case("sqrt/negative", "fx.sqrt", lambda rng: {"x": -float(rng.uniform(1, 100))}, raises(ValueError),
             run=lambda impl, inp: impl.checked_sqrt(inp["x"])),
        Case("counter/the", "fx.counter", lambda rng: {"word": "the"}, exact(),
             run=lambda impl, inp, c: c.count(inp["word"]), expect=lambda inp: 3, fixture="text"),
        Case("counter/missing", "fx.counter", lambda rng: {"word": "dog"}, exact(),
             run=lambda impl, inp, c: c.count(inp["word"]), expect=lambda inp: 0, fixture="text"),
        Case("world/sum0", "fx.world", lambda rng: {"values": rng.standard_normal(10)}, close(),
             expect=lambda inp: float(inp["values"].sum()), group="world", hidden_draws=0),
        Case("world/sum1", "fx.world", lambda rng: {"values": rng.standard_normal(20)}, close(),
             expect=lambda inp: float(inp["values"].sum()), group="world", hidden_draws=0),
    ),
    fixtures=(
        Fixture("text", "fx.counter", lambda rng: {"text": TEXT}, build=lambda impl, inp: impl.Counter(inp["text"]),
                summarize=lambda c: c.size(), compare=exact(), expect=lambda inp: len(set(inp["text"].split()))),
    ),
    groups=(Group("world", _world, time_limit_s=30.0),),
)
