"""Cases for a2.checkpointing: outputs and input/weight gradients equal a plain nn.Sequential's (computed in the
grader's process), and the order in which the layers *start* running proves the segments: a forward-pre-hook log
reads 0..L-1 for the forward, then, during backward, each segment's layers again, last segment first. With no
checkpointing the backward adds nothing to the log; with the wrong segment size the recomputation order differs.
(Pre-hooks, because non-reentrant checkpointing may stop recomputing a segment once it has what backward needs.)
The expected values are computed by a2_systems/oracles/checkpointing.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises
from shared.cases.tensors import numpy, randn, tensor

ORACLES = Oracles("a2_systems.oracles.checkpointing")  # expected values: instructor-only, never released


def _stack(rng: np.random.Generator, depth: int, segment_size: int) -> dict:
    width = int(rng.integers(4, 16))
    return {"x": randn(rng, (3, width)), "segment_size": segment_size,
            "weights": [randn(rng, (width, width), scale=width ** -0.5) for _ in range(depth)],
            "biases": [randn(rng, (width,), scale=0.1) for _ in range(depth)]}


def stack_inputs(rng: np.random.Generator) -> dict:
    # Every draw has at least two segments (segment_size < depth): a stack checkpointed as one segment gives the same
    # values, so a draw with one segment could not tell "ignores segment_size" from right, and with three hidden
    # draws the chance that all of them were such draws was a few percent per secret.
    depth = int(rng.integers(3, 7))
    return _stack(rng, depth, int(rng.integers(1, depth)))


def oversized_inputs(rng: np.random.Generator) -> dict:
    depth = int(rng.integers(2, 6))  # segment_size >= depth: the whole stack is one segment
    return _stack(rng, depth, depth + int(rng.integers(0, 4)))


def _layers(inp: dict) -> list:
    import torch

    layers = []
    for w, b in zip(inp["weights"], inp["biases"], strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        lin.load_state_dict({"weight": tensor(w), "bias": tensor(b)})
        layers.append(torch.nn.Sequential(lin, torch.nn.GELU()))
    return layers


def run_stack(impl: Impl, inp: dict) -> Any:
    layers = _layers(inp)
    log: list[int] = []
    for k, layer in enumerate(layers):
        layer.register_forward_pre_hook(lambda _m, _a, k=k: log.append(k))
    model = impl.CheckpointedSequential(layers, segment_size=inp["segment_size"])
    x = tensor(inp["x"]).requires_grad_(True)
    out = model(x)
    (out * out).sum().backward()
    return {"out": numpy(out), "x_grad": numpy(x.grad), "w_grads": [numpy(la[0].weight.grad) for la in layers],
            "start_order": log}


def bad_inputs(rng: np.random.Generator) -> dict:
    return {"segment_size": int(rng.integers(-1000, 1))}  # a wide range: no hidden draw repeats a visible one


def run_bad(impl: Impl, inp: dict) -> Any:
    return impl.CheckpointedSequential(_layers({"weights": [np.eye(2, dtype=np.float32)],
                                                "biases": [np.zeros(2, dtype=np.float32)]}), inp["segment_size"])


STACK_COMPARE = fields(out=close(rtol=1e-5, atol=1e-6), x_grad=close(rtol=1e-5, atol=1e-6),
                       w_grads=close(rtol=1e-5, atol=1e-6), start_order=exact())

SUITE = Suite(cases=(
    Case(name="checkpointing/segments", inputs=stack_inputs,
         compare=STACK_COMPARE, run=run_stack, expect=ORACLES.expect_stack, seeds=(0, 1, 2, 3), hidden_draws=3,
         note="same outputs and gradients as nn.Sequential; each segment recomputed in backward, last first"),
    Case(name="checkpointing/oversized_segment", inputs=oversized_inputs,
         compare=STACK_COMPARE, run=run_stack, expect=ORACLES.expect_stack, seeds=(0, 1), hidden_draws=2,
         note="segment_size >= the number of layers: one segment, recomputed once in backward"),
    Case(name="checkpointing/bad_segment_size", inputs=bad_inputs, compare=raises(ValueError), run=run_bad,
         seeds=(0,), note="segment_size < 1 is a ValueError"),
))
