"""Cases for a2.fsdp (HANDOUT.md §7.2, optional): FSDP on 2 gloo ranks trains a small model (a tied weight; rank 1
built from different weights) for 3 steps, each rank on its half of every batch, with an optimizer over
`fsdp.parameters()`:

- values, against an independent oracle: every rank's full parameters (full_state_dict) equal single-process
  float64 training on the whole batch from rank 0's weights, with plain SGD or torch.optim.AdamW
  (a2_systems/oracles/fsdp.py);
- sharding, through instrumentation: between steps each rank holds at most ceil(N / 2) parameter elements (N
  trainable, plus any frozen ones) and, with AdamW, the optimizer state of that shard only; each step launches
  exactly one all-gather during forward and one reduce-scatter in finish_gradient_synchronization (one flat
  parameter), and no all-reduce.

FSDP without a process group raises RuntimeError.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from a2_systems.cases.ddp import param_shapes
from a2_systems.cases.world_cases import WORLD_SIZE, world, world_group
from shared.cases import Case, Impl, Oracles, Suite, Verdict, close, raises

ORACLES = Oracles("a2_systems.oracles.fsdp")  # expected values: instructor-only, never released

GROUP = "fsdp"
DRIVER = "a2_systems.cases.fsdp_drivers:train"
# as the DDP cases: float32 ranks against a float64 oracle over 3 steps; summed gradients or rank 1's own
# weights are off by ~1e-2 or more
PARAMS_CLOSE = close(rtol=1e-4, atol=2e-5)
BYTES = 4
# bookkeeping a wrapper may keep in tensors beyond its shard (offsets, a step counter)
SLACK_BYTES = 256
ADAM_STEP_BYTES = 64  # AdamW's step counters (a scalar tensor per parameter)
WANT = {"forward": {"all_gather": 1}, "backward": {}, "finish": {"reduce_scatter": 1}, "step": {}}


def fsdp_inputs(optimizer: str, d_hidden: tuple[int, int] = (12, 20), n_blocks: int = 3, steps: int = 3,
                tied: bool = True, frozen: bool = False) -> Callable[[np.random.Generator], dict]:
    """A ToyNet (ddp_drivers), rank 0's and rank 1's (different) weights, `steps` batches of 8 rows."""

    def make(rng: np.random.Generator) -> dict:
        arch = {"d_in": int(rng.integers(3, 8)), "d_hidden": int(rng.integers(*d_hidden)),
                "d_out": int(rng.integers(2, 5)), "n_blocks": n_blocks, "tied": tied, "frozen": frozen}
        shapes = param_shapes(arch)
        params = {n: (rng.standard_normal(s) * (0.5 if n.endswith("bias") else 1.0 / np.sqrt(s[-1])))
                  .astype(np.float32) for n, s, _ in shapes}
        other = {n: (p + rng.standard_normal(p.shape) * 0.3).astype(np.float32) for n, p in params.items()}
        return {"driver": DRIVER, "arch": arch, "params": params, "params_other": other, "optimizer": optimizer,
                "lr": 0.2 if optimizer == "SGD" else 1e-2,
                "x": rng.standard_normal((steps, 8, arch["d_in"])).astype(np.float32),
                "y": rng.standard_normal((steps, 8, arch["d_out"])).astype(np.float32)}

    return make


def check_train(inputs: dict, ranks: list, expected: dict) -> Verdict:
    steps = len(inputs["x"])
    shard = math.ceil(expected["trainable"] / WORLD_SIZE) * BYTES
    frozen = expected["frozen"] * BYTES
    full = expected["trainable"] * BYTES
    for rank, out in enumerate(ranks):
        for phase, want in WANT.items():
            got = {k: int(v) for k, v in (out["counts"].get(phase) or {}).items() if int(v)}
            want_all = {k: n * steps for k, n in want.items()}
            if got != want_all:
                return Verdict(False, f"rank {rank}: collectives during {phase} over {steps} steps: {got or 'none'}, "
                                      f"expected {want_all or 'none'} (one all-gather of the flat parameter in "
                                      f"forward, one reduce-scatter of its gradient in "
                                      f"finish_gradient_synchronization, per step)")
        held = [int(b) for b in out["held_bytes"]]
        bound = shard + frozen + SLACK_BYTES
        if max(held) > bound:
            return Verdict(False, f"rank {rank}: parameter bytes held between steps {held}; the full model is "
                                  f"{full + frozen} bytes, a shard {shard} (+ {frozen} frozen): at most {bound} "
                                  f"allowed. Are the gathered parameters freed after "
                                  f"finish_gradient_synchronization?")
        if inputs["optimizer"] == "AdamW":
            opt_bound = 2 * shard + ADAM_STEP_BYTES
            if int(out["optimizer_bytes"]) > opt_bound:
                return Verdict(False, f"rank {rank}: AdamW state {out['optimizer_bytes']} bytes, more than two "
                                      f"moments of this rank's shard ({opt_bound}): does the optimizer step "
                                      f"the full parameters?")
    if sum(int(out["held_bytes"][-1]) for out in ranks) < full:
        return Verdict(False, f"the ranks hold {sum(int(o['held_bytes'][-1]) for o in ranks)} parameter bytes "
                              f"together, less than the model's {full}: a shard kept outside the FSDP object "
                              f"is not measured (keep it as an attribute)")
    margins = []
    for rank, out in enumerate(ranks):
        v = PARAMS_CLOSE(None, out["params"], expected["params"])
        margins.append(v.margin)
        if not v.ok:
            return Verdict(False, f"rank {rank}: full_state_dict() after training differs from single-process "
                                  f"training on the whole batch: {v.message} (gradients averaged, not summed? "
                                  f"rank 0's weights broadcast at construction?)")
    return Verdict(True, margin=max(m for m in margins if m is not None))


def run_no_world(impl: Impl, inp: dict) -> Any:
    from a2_systems.cases.fsdp_drivers import no_world

    return no_world(impl)


def train_case(name: str, make: Callable, note: str, seeds: tuple[int, ...] = (0,), hidden_draws: int = 1) -> Case:
    return Case(name=f"{GROUP}/{name}", inputs=make, compare=world("fsdp training", check_train),
                expect=ORACLES.expect_train, seeds=seeds, hidden_draws=hidden_draws, group=GROUP, note=note)


NOTE = "3 steps on 2 ranks equal single-process training on the whole batch; each rank holds ~half the parameters"
SUITE = Suite(
    cases=(
        train_case("sgd", fsdp_inputs("SGD"), NOTE + " (plain SGD)", seeds=(0, 1)),
        train_case("adamw", fsdp_inputs("AdamW"), NOTE + " and half the AdamW state (torch.optim.AdamW)"),
        Case(name=f"{GROUP}/no_process_group", inputs=lambda rng: {}, compare=raises(RuntimeError),
             run=run_no_world, hidden_draws=0, note="FSDP without torch.distributed initialised raises RuntimeError",
             seeds=(0,)),
    ),
    groups=(world_group(GROUP, warm="a2_systems.cases.zero1_drivers:warm"),),
)
