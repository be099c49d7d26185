"""Cases for a2.tensor_parallel (HANDOUT.md §7.1, optional): column- and row-parallel Linear, the parallel SwiGLU MLP
and the parallel attention block on 2 gloo ranks, each built from the same full weights with `from_full`:

- values, against an independent oracle: the output, dL/dx and every weight's gradient (the ranks' shards put
  back together by the handout's slicing) equal the single-process float64 layer (plain torch.nn.functional
  matmuls and a hand-written causal attention, a2_systems/oracles/tp.py), for the upstream gradient g of sum(y * g);
- communication, through instrumentation (tp_drivers.Collectives): the collectives launched in forward and in
  backward, by kind, equal the handout's (MLP and attention: exactly one all-reduce each way).

Sizes not divisible by the world size raise ValueError; construction without a process group RuntimeError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a2_systems.cases.world_cases import WORLD_SIZE, world, world_group
from shared.cases import Case, Impl, Oracles, Suite, Verdict, close, raises

ORACLES = Oracles("a2_systems.oracles.tp")  # expected values: instructor-only, never released

GROUP = "tensor_parallel"
DRIVER = "a2_systems.cases.tp_drivers:run_layer"
# float32 ranks against a float64 oracle, values O(1), inner sizes <= 48: rounding ~1e-6; a missing all-reduce or
# a wrong slice is off by O(1).
VALUES_CLOSE = close(rtol=1e-4, atol=1e-5)
# (forward, backward) collectives by kind, the handout's table
COMMS: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "column": ({}, {"all_reduce": 1}),
    "column_gather": ({"all_gather": 1}, {"all_reduce": 1}),
    "row": ({"all_reduce": 1}, {}),
    "mlp": ({"all_reduce": 1}, {"all_reduce": 1}),
    "attention": ({"all_reduce": 1}, {"all_reduce": 1}),
}


def _w(rng: np.random.Generator, out: int, inp: int) -> np.ndarray:
    return (rng.standard_normal((out, inp)) / np.sqrt(inp)).astype(np.float32)


def layer_inputs(layer: str, gather_output: bool = False, batch: int = 2, seq: tuple[int, int] = (3, 7),
                 heads: tuple[int, ...] = (2, 4)) -> Callable[[np.random.Generator], dict]:
    """Full weights of one layer, an input x (batch, seq, d_in) and an upstream gradient g like the output."""

    def make(rng: np.random.Generator) -> dict:
        s = int(rng.integers(*seq))
        d = 2 * int(rng.integers(3, 9))  # even
        if layer in ("column", "row"):
            d_out = 2 * int(rng.integers(2, 9))
            weights = {"weight": _w(rng, d_out, d)}
        elif layer == "mlp":
            d_out, d_ff = d, 2 * int(rng.integers(4, 13))
            weights = {"w1": _w(rng, d_ff, d), "w2": _w(rng, d, d_ff), "w3": _w(rng, d_ff, d)}
        else:
            h = int(rng.choice(heads))
            d = h * int(rng.integers(2, 5))
            d_out = d
            weights = {"w_qkv": _w(rng, 3 * d, d), "w_o": _w(rng, d, d)}
        inp = {"driver": DRIVER, "layer": layer, "gather_output": gather_output, "weights": weights,
               "x": rng.standard_normal((batch, s, d)).astype(np.float32),
               "g": rng.standard_normal((batch, s, d_out)).astype(np.float32)}
        if layer == "attention":
            inp["num_heads"] = h
        return inp

    return make


def _chunks(a: np.ndarray, axis: int) -> list[np.ndarray]:
    return np.split(a, WORLD_SIZE, axis=axis)


def assemble(inputs: dict, ranks: list) -> dict[str, np.ndarray]:
    """The full weight gradients from the ranks' shards, by the handout's slicing (rank order)."""
    g = [r["grads"] for r in ranks]
    layer = inputs["layer"]
    if layer == "column":
        return {"weight": np.concatenate([x["weight"] for x in g], axis=0)}
    if layer == "row":
        return {"weight": np.concatenate([x["weight"] for x in g], axis=1)}
    if layer == "mlp":
        return {"w1": np.concatenate([x["w1.weight"] for x in g], axis=0),
                "w2": np.concatenate([x["w2.weight"] for x in g], axis=1),
                "w3": np.concatenate([x["w3.weight"] for x in g], axis=0)}
    # attention: each rank's qkv_proj rows are [its W_q heads; its W_k heads; its W_v heads]
    parts = [np.split(x["qkv_proj.weight"], 3, axis=0) for x in g]
    qkv = np.concatenate([np.concatenate([p[i] for p in parts], axis=0) for i in range(3)], axis=0)
    return {"w_qkv": qkv, "w_o": np.concatenate([x["output_proj.weight"] for x in g], axis=1)}


def _comm_key(inputs: dict) -> str:
    return "column_gather" if inputs["layer"] == "column" and inputs["gather_output"] else inputs["layer"]


def check_layer(inputs: dict, ranks: list, expected: dict) -> Verdict:
    layer, want = inputs["layer"], COMMS[_comm_key(inputs)]
    margins = []
    for rank, out in enumerate(ranks):
        y = expected["y"]
        if layer == "column" and not inputs["gather_output"]:
            y = _chunks(y, -1)[rank]
        v = VALUES_CLOSE(None, out["y"], y)
        margins.append(v.margin)
        if not v.ok:
            return Verdict(False, f"rank {rank}: output differs from the single-process layer: {v.message}")
        xg = expected["x_grad"]
        if layer == "row":
            xg = _chunks(xg, -1)[rank]
        v = VALUES_CLOSE(None, out["x_grad"], xg)
        margins.append(v.margin)
        if not v.ok:
            hint = " (is dL/dx all-reduced in backward?)" if layer != "row" else ""
            return Verdict(False, f"rank {rank}: gradient of the input differs: {v.message}{hint}")
    try:
        grads = assemble(inputs, ranks)
    except (ValueError, KeyError, TypeError) as e:
        return Verdict(False, f"the ranks' weight gradients do not assemble into the full weights' by the "
                              f"handout's slicing: {type(e).__name__}: {e}")
    v = VALUES_CLOSE(None, grads, expected["grads"])
    margins.append(v.margin)
    if not v.ok:
        return Verdict(False, f"weight gradients (shards put together by the handout's slicing) differ: {v.message}")
    # the right values, with the handout's communication
    for rank, out in enumerate(ranks):
        for phase, w in zip(("forward", "backward"), want, strict=True):
            got = {k: int(v) for k, v in (out["counts"].get(phase) or {}).items() if int(v)}
            if got != w:
                return Verdict(False, f"rank {rank}: collectives in {phase}: {got or 'none'}, expected "
                                      f"{w or 'none'} (HANDOUT §7.1's table for the {layer} layer)")
    return Verdict(True, margin=max(m for m in margins if m is not None))


def check_bad_sizes(inputs: dict, ranks: list, expected: Any) -> Verdict:
    for rank, out in enumerate(ranks):
        wrong = {k: v for k, v in out.items() if v != "builtins.ValueError"}
        if wrong:
            return Verdict(False, f"rank {rank}: a size not divisible by the world size ({inputs['odd']}) must "
                                  f"raise ValueError; got {wrong} (None: nothing raised)")
    return Verdict(True)


def run_no_world(impl: Impl, inp: dict) -> Any:
    from a2_systems.cases.tp_drivers import no_world

    return no_world(impl)


def layer_case(name: str, make: Callable, note: str, seeds: tuple[int, ...] = (0, 1), hidden_draws: int = 1) -> Case:
    return Case(name=f"{GROUP}/{name}", inputs=make, compare=world("tensor parallel layer", check_layer),
                expect=ORACLES.expect_layer, seeds=seeds, hidden_draws=hidden_draws, group=GROUP, note=note)


SUITE = Suite(
    cases=(
        layer_case("column", layer_inputs("column"), "ColumnParallelLinear: this rank's output slice, dL/dx "
                   "all-reduced in backward", seeds=(0,)),
        layer_case("column_gather", layer_inputs("column", gather_output=True),
                   "ColumnParallelLinear(gather_output=True): one all-gather in forward", seeds=(0,)),
        layer_case("row", layer_inputs("row"), "RowParallelLinear: one all-reduce of the partial outputs",
                   seeds=(0,)),
        layer_case("mlp", layer_inputs("mlp"), "ParallelMLP (SwiGLU): equals the single-process block, one "
                   "all-reduce in forward and one in backward"),
        layer_case("attention", layer_inputs("attention"), "ParallelAttention: heads split over the ranks, equals "
                   "single-process causal attention, one all-reduce each way"),
        Case(name=f"{GROUP}/not_divisible",
             inputs=lambda rng: {"driver": "a2_systems.cases.tp_drivers:bad_sizes",
                                                          "odd": 2 * int(rng.integers(1, 100)) + 1,
                                                          "width": int(rng.integers(1, 65))},
             compare=world("tensor parallel sizes", check_bad_sizes), seeds=(0,), group=GROUP,
             note="a split size not divisible by the world size raises ValueError in every constructor"),
        Case(name=f"{GROUP}/no_process_group", inputs=lambda rng: {}, compare=raises(RuntimeError),
             run=run_no_world, hidden_draws=0,
             note="ColumnParallelLinear without torch.distributed initialised raises RuntimeError", seeds=(0,)),
    ),
    groups=(world_group(GROUP),),
)
