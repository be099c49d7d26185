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


def stack_inputs(rng: np.random.Generator) -> dict:
    width, depth = int(rng.integers(4, 16)), int(rng.integers(2, 7))
    return {"x": randn(rng, (3, width)), "segment_size": int(rng.integers(1, depth + 1)),
            "weights": [randn(rng, (width, width), scale=width ** -0.5) for _ in range(depth)],
            "biases": [randn(rng, (width,), scale=0.1) for _ in range(depth)]}


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


SUITE = Suite(cases=(
    Case(name="checkpointing/segments", inputs=stack_inputs,
         compare=fields(out=close(rtol=1e-5, atol=1e-6), x_grad=close(rtol=1e-5, atol=1e-6),
                w_grads=close(rtol=1e-5, atol=1e-6), start_order=exact()),
         run=run_stack, expect=ORACLES.expect_stack, seeds=(0, 1, 2, 3), hidden_draws=3,
         note="same outputs and gradients as nn.Sequential; each segment recomputed in backward, last first"),
    Case(name="checkpointing/bad_segment_size", inputs=bad_inputs, compare=raises(ValueError), run=run_bad,
         seeds=(0,), note="segment_size < 1 is a ValueError"),
))
