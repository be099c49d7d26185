"""Cases for a2.zero1 (HANDOUT.md §4.5): a ShardedOptimizer on 2 ranks, given the same gradients on every rank
(as if already all-reduced), must leave every rank with the parameters of the unsharded torch optimizer
(torch.optim.AdamW / SGD in the grader's process, a2_systems/oracles/zero1.py; float32 like the ranks: a few ulps,
rtol 1e-6), while each rank holds about half of the optimizer state (measured by zero1_drivers.state_bytes): no
rank above the unsharded state / world_size + the largest single parameter's state, and all of it held somewhere
(the ranks' sum >= unsharded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a2_systems.cases.world_cases import WORLD_SIZE, world, world_group
from shared.cases import Case, Impl, Oracles, Suite, Verdict, close, raises

ORACLES = Oracles("a2_systems.oracles.zero1")  # expected values: instructor-only, never released

DRIVER = "a2_systems.cases.zero1_drivers:train"
# The same float32 arithmetic per parameter as the unsharded optimizer, but not always the same rounding: under
# another SIMD dispatch (another CPU) torch fuses `p.add_(buf, alpha=-lr)` into one multiply-add or not, 1 ulp
# of lr * |buf| (<= ~1) per step. Over 4 steps: ~4 * 1.2e-7 of max(|p|, lr * |buf|) ~ 5e-7, so rtol 1e-6 and
# atol 1e-6 (rtol 1e-7 failed the reference under ATEN_CPU_CAPABILITY=default). A missed broadcast or a
# group's lr dropped is off by lr * |buf| ~ 1e-2 or more.
PARAMS_CLOSE = close(rtol=1e-6, atol=1e-6)


def zero1_inputs(optimizer: str, groups: bool, n_layers: tuple[int, int] = (3, 5), steps: int = 4,
                 single: bool = False) -> Callable[[np.random.Generator], dict]:
    """Weight/bias pairs of random widths (one weight frozen), a gradient per parameter and step, and the
    optimizer's hyperparameters; with `groups`, two param groups, the second with its own learning rate. With
    `single`, one trainable weight only."""

    def make(rng: np.random.Generator) -> dict:
        widths = [int(w) for w in rng.integers(3, 9, size=int(rng.integers(*n_layers)) + 1)]
        shapes: list[tuple[int, ...]] = []
        for a, b in zip(widths[:-1], widths[1:], strict=True):
            shapes += [(b, a), (b,)]
        if single:
            shapes = shapes[:1]
        params = [(rng.standard_normal(s) * 0.5).astype(np.float32) for s in shapes]
        grads = [rng.standard_normal((steps, *s)).astype(np.float32) for s in shapes]
        frozen = [] if single else [int(rng.integers(0, len(shapes) // 2)) * 2]
        if optimizer in ("AdamW", "Adam"):
            kwargs: dict[str, Any] = {"lr": 1e-2, "weight_decay": 0.1, "betas": [0.9, 0.99]}
        else:
            kwargs = {"lr": 0.1, "momentum": 0.9}
        split = len(shapes) // 2
        group_spec = [{"indices": list(range(split)), "options": {}},
                      {"indices": list(range(split, len(shapes))),
                       "options": {"lr": kwargs["lr"] / 2}}] if groups else []
        return {"driver": DRIVER, "params": params, "grads": grads, "frozen": frozen, "optimizer": optimizer,
                "kwargs": kwargs, "groups": group_spec}

    return make


def check_zero1(inputs: dict, ranks: list, expected: dict) -> Verdict:
    margins = []
    for rank, out in enumerate(ranks):
        v = PARAMS_CLOSE(None, out["params"], expected["params"])
        margins.append(v.margin)
        if not v.ok:
            return Verdict(False, f"rank {rank}: parameters differ from the unsharded {inputs['optimizer']}: "
                                  f"{v.message} (does every rank broadcast the parameters it owns after its step, "
                                  f"and keep each param group's hyperparameters?)")
    held = [int(out["state_bytes"]) for out in ranks]
    full, largest = int(expected["state_bytes"]), int(expected["largest_param_state_bytes"])
    bound = full / WORLD_SIZE + largest
    if max(held) > bound:
        return Verdict(False, f"optimizer state per rank {held} bytes: the unsharded optimizer holds {full}; each "
                              f"rank may hold at most {full}/{WORLD_SIZE} + {largest} (the largest parameter's "
                              f"state) = {bound:g}: is the state sharded, and the parameters spread evenly?")
    if sum(held) < full:
        return Verdict(False, f"optimizer state per rank {held} bytes sums to less than the unsharded "
                              f"optimizer's {full}: state kept outside the ShardedOptimizer object is not "
                              f"measured (keep the local optimizer as an attribute)")
    return Verdict(True, margin=max(m for m in margins if m is not None))


def run_no_world(impl: Impl, inp: dict) -> Any:
    from a2_systems.cases.zero1_drivers import no_world

    return no_world(impl)


SUITE = Suite(
    cases=(
        Case(name="zero1/adamw", inputs=zero1_inputs("AdamW", groups=False),
             compare=world("zero1", check_zero1), expect=ORACLES.expect_zero1, group="zero1",
             note="4 AdamW steps sharded over 2 ranks equal torch.optim.AdamW; each rank holds ~half the state"),
        Case(name="zero1/sgd_param_groups", inputs=zero1_inputs("SGD", groups=True),
             compare=world("zero1", check_zero1), expect=ORACLES.expect_zero1, seeds=(0,), group="zero1",
             note="SGD with momentum, two param groups with their own lr, a frozen weight"),
        Case(name="zero1/no_process_group", inputs=lambda rng: {}, compare=raises(RuntimeError),
             run=run_no_world, hidden_draws=0,
             note="ShardedOptimizer without torch.distributed initialised raises RuntimeError", seeds=(0,)),
    ),
    groups=(world_group("zero1", warm="a2_systems.cases.zero1_drivers:warm"),),
)
