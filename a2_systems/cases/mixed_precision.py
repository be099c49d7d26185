"""Cases for a2.mixed_precision on CS336's toy model (fc1 -> ReLU -> LayerNorm -> fc2) with SGD(lr=1).

Two kinds of evidence: the dtypes (autocast makes fc2's output bfloat16, the loss must be float32, parameters and
their gradients stay float32: these are autocast's documented rules, not a reference's output), and the update
itself, compared with a float32 step computed in the grader's process at a tolerance that bf16 matmuls meet
(relative error ~2^-8 per product) and that a step that did nothing, or stepped twice, misses by far. The
expected values are computed by a2_systems/oracles/mixed_precision.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises
from shared.cases.tensors import numpy, randn, tensor

ORACLES = Oracles("a2_systems.oracles.mixed_precision")  # expected values: instructor-only, never released

# Conditioning of the bf16 step (rows of x are redrawn until both hold):
# - every fc1 pre-activation is at least MIN_PREACT from ReLU's kink: bf16 rounding moves a pre-activation of
#   size ~1 by ~2^-8, and one that changes sign switches its unit's whole gradient on or off (a 100% error);
# - every row's ReLU output has a standard deviation of at least MIN_LN_STD: LayerNorm divides by it, so a nearly
#   constant row amplifies bf16 rounding by 1/std (a row of zeros by 1/sqrt(eps) ~ 300).
# Over 600 draws the worst margin is then ~0.3 (without the conditions ~6% of draws fail).
MIN_PREACT, MIN_LN_STD = 0.1, 0.3


def toy_inputs(rng: np.random.Generator) -> dict:
    d_in, d_out, batch = int(rng.integers(8, 32)), int(rng.integers(3, 10)), int(rng.integers(4, 16))
    fc1 = randn(rng, (10, d_in), scale=d_in ** -0.5)
    rows: list[np.ndarray] = []
    while len(rows) < batch:
        x = randn(rng, (d_in,))
        z = fc1.astype(np.float64) @ x.astype(np.float64)
        if np.abs(z).min() >= MIN_PREACT and np.maximum(z, 0.0).std() >= MIN_LN_STD:
            rows.append(x)
    return {"x": np.stack(rows), "y": rng.integers(0, d_out, batch).astype(np.int64),
            "fc1": fc1, "fc2": randn(rng, (d_out, 10), scale=10 ** -0.5),
            "ln_weight": (1.0 + randn(rng, (10,), scale=0.1)), "ln_bias": randn(rng, (10,), scale=0.1)}


def _toy(inp: dict) -> Any:
    from a2_systems.profiling.models import ToyModel

    model = ToyModel(inp["x"].shape[1], inp["fc2"].shape[0])
    model.load_state_dict({"fc1.weight": tensor(inp["fc1"]), "fc2.weight": tensor(inp["fc2"]),
                           "ln.weight": tensor(inp["ln_weight"]), "ln.bias": tensor(inp["ln_bias"])})
    return model


def run_step(impl: Impl, inp: dict) -> Any:
    import torch

    # subtle: bf16 matmuls round differently with 1 and 2 threads; one thread keeps the output deterministic
    torch.set_num_threads(1)
    model = _toy(inp)
    before = [p.detach().clone() for p in model.parameters()]
    report = impl.mixed_precision_step(model, torch.nn.functional.cross_entropy, tensor(inp["x"]), tensor(inp["y"]),
                                       torch.optim.SGD(model.parameters(), lr=1.0), dtype=torch.bfloat16)
    return {"loss": float(report.loss), "logits_dtype": report.logits_dtype, "loss_dtype": report.loss_dtype,
            "param_dtypes": list(report.param_dtypes), "grad_dtypes": list(report.grad_dtypes),
            "updates": [numpy(p - b) for p, b in zip(model.parameters(), before, strict=True)]}


def float16_cpu_inputs(rng: np.random.Generator) -> dict:
    return toy_inputs(rng)


def run_float16_cpu(impl: Impl, inp: dict) -> Any:
    import torch

    model = _toy(inp)
    return impl.mixed_precision_step(model, torch.nn.functional.cross_entropy, tensor(inp["x"]), tensor(inp["y"]),
                                     torch.optim.SGD(model.parameters(), lr=1.0), dtype=torch.float16)


# bf16 matmuls (relative rounding 2^-8 per operand) in forward and backward: the loss within ~1e-2, the updates
# (lr 1, entries up to ~0.8) within ~1% of their largest entry; a step that did nothing or stepped twice is off
# by the whole update.
COMPARE = fields(loss=close(rtol=2e-2, atol=2e-2), logits_dtype=exact(), loss_dtype=exact(), param_dtypes=exact(),
                 grad_dtypes=exact(), updates=close(rtol=5e-2, atol=2e-2))

SUITE = Suite(cases=(
    Case(name="mixed_precision/toy_step", inputs=toy_inputs, compare=COMPARE, run=run_step,
         expect=ORACLES.expect_step, seeds=(0, 1, 2), hidden_draws=3,
         note="bf16 logits, float32 loss, float32 master weights, update close to a float32 step"),
    Case(name="mixed_precision/float16_on_cpu", inputs=float16_cpu_inputs, compare=raises(ValueError),
         run=run_float16_cpu, seeds=(0,), hidden_draws=0,
         note="float16 autocast on CPU is refused with a ValueError (it needs a GradScaler)"),
))
