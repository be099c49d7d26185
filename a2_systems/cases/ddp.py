"""Cases for the four DDP units (HANDOUT.md §4.1-§4.4). Each trains a small model (a tied and a frozen weight)
for a few SGD steps on 2 ranks, each rank on its half of every batch, rank 1 starting from different weights:

- values, against an independent oracle: every rank's parameters equal single-process training on the whole
  batch from rank 0's weights (float64 torch in the grader's process, a2_systems/oracles/ddp.py);
- behaviour, through instrumentation (ddp_drivers.Trace): which all-reduces were launched, how large, whether
  during backward and asynchronously, and, for the bucketed unit, `buckets` against the handout's rule restated
  here (expected_buckets).

Every wrapper must also refuse to start without a process group (RuntimeError) and DDPBucketed a bucket size
that is not positive (ValueError).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a2_systems.cases.world_cases import world, world_group
from shared.cases import Case, Impl, Oracles, Suite, Verdict, close, raises

ORACLES = Oracles("a2_systems.oracles.ddp")  # expected values: instructor-only, never released

NAIVE, FLAT, OVERLAP, BUCKETED = "a2.ddp_naive", "a2.ddp_flat", "a2.ddp_overlap", "a2.ddp_bucketed"
WRAPPER = {NAIVE: "DDPNaive", FLAT: "DDPFlat", OVERLAP: "DDPIndividualParameters", BUCKETED: "DDPBucketed"}
GROUP = {NAIVE: "ddp_naive", FLAT: "ddp_flat", OVERLAP: "ddp_overlap", BUCKETED: "ddp_bucketed"}
DRIVER = "a2_systems.cases.ddp_drivers:train"
BACKWARD, FINISH = 1, 2  # ddp_drivers.PHASES
# float32 ranks against a float64 oracle over 3 SGD steps: rounding ~1e-6; a gradient summed instead of
# averaged moves parameters by ~lr * |grad| ~ 1e-2, rank 1 without the broadcast by its initial offset ~1e-1.
PARAMS_CLOSE = close(rtol=1e-4, atol=2e-5)
BYTES = 4  # float32


def param_shapes(arch: dict) -> list[tuple[str, tuple[int, ...], bool]]:
    """(name, shape, trainable) of ToyNet's parameters in named_parameters order (tied.weight is blocks.0.weight)."""
    d_in, h, d_out = arch["d_in"], arch["d_hidden"], arch["d_out"]
    out = [("embed.weight", (h, d_in), True), ("embed.bias", (h,), True)]
    for i in range(arch["n_blocks"]):
        out += [(f"blocks.{i}.weight", (h, h), True), (f"blocks.{i}.bias", (h,), True)]
    if arch["frozen"]:
        out.append(("frozen.weight", (h, h), False))
    return out + [("head.weight", (d_out, h), True), ("head.bias", (d_out,), True)]


def expected_buckets(trainable: list[tuple[str, int]], bucket_size_mb: float) -> list[list[str]]:
    """The handout's rule: reverse parameter order; a parameter joins the current bucket while the bucket stays
    <= bucket_size_mb * 2**20 bytes, otherwise it opens a new one."""
    cap, buckets, size = bucket_size_mb * 2**20, [], 0
    for name, numel in reversed(trainable):
        if not buckets or size + numel * BYTES > cap:
            buckets.append([])
            size = 0
        buckets[-1].append(name)
        size += numel * BYTES
    return buckets


def _clear_of_ties(trainable: list[tuple[str, int]], cap_bytes: float, margin: float = 16.0) -> bool:
    size, first = 0, True
    for _, numel in reversed(trainable):
        nbytes = numel * BYTES
        if not first and abs(size + nbytes - cap_bytes) < margin:
            return False
        size = nbytes if (first or size + nbytes > cap_bytes) else size + nbytes
        first = False
    return True


def train_inputs(unit: str, d_hidden: tuple[int, int] = (6, 12), n_blocks: int = 3, steps: int = 3,
                 tied: bool = True, frozen: bool = True, buckets: tuple[int, int] | None = (3, 5),
                 bucket_size_mb: float | None = None) -> Callable[[np.random.Generator], dict]:
    """A ToyNet, rank 0's and rank 1's (different) initial weights, `steps` batches of 8 rows. For the bucketed
    unit, a bucket size that gives between buckets[0] and buckets[1] buckets, clear of ties with the cap
    (or the fixed `bucket_size_mb`)."""

    def make(rng: np.random.Generator) -> dict:
        arch = {"d_in": int(rng.integers(3, 8)), "d_hidden": int(rng.integers(*d_hidden)),
                "d_out": int(rng.integers(2, 5)), "n_blocks": n_blocks, "tied": tied, "frozen": frozen}
        shapes = param_shapes(arch)
        params = {n: (rng.standard_normal(s) * (0.5 if n.endswith("bias") else 1.0 / np.sqrt(s[-1])))
                  .astype(np.float32) for n, s, _ in shapes}
        other = {n: (p + rng.standard_normal(p.shape) * 0.3).astype(np.float32) for n, p in params.items()}
        inp = {"driver": DRIVER, "wrapper": WRAPPER[unit], "arch": arch, "params": params, "params_other": other,
               "x": rng.standard_normal((steps, 8, arch["d_in"])).astype(np.float32),
               "y": rng.standard_normal((steps, 8, arch["d_out"])).astype(np.float32), "lr": 0.2}
        if unit == BUCKETED:
            tr = [(n, int(np.prod(s))) for n, s, t in shapes if t]
            total = sum(k for _, k in tr) * BYTES
            mb = bucket_size_mb
            for _ in range(10_000):
                if mb is not None:
                    break
                cap = float(rng.uniform(total / 8, total / 2))
                if buckets[0] <= len(expected_buckets(tr, cap / 2**20)) <= buckets[1] and _clear_of_ties(tr, cap):
                    mb = cap / 2**20
            if mb is None:
                raise ValueError(f"no bucket size gives {buckets[0]}-{buckets[1]} buckets for {arch}")
            inp["bucket_size_mb"] = float(mb)
        return inp

    return make


def _check_params(ranks: list, expected: dict) -> Verdict:
    verdicts = [PARAMS_CLOSE(None, r["params"], expected["params"]) for r in ranks]
    for rank, v in enumerate(verdicts):
        if not v.ok:
            hint = ""
            if verdicts[0].ok:
                hint = " (rank 0 matches: does every rank start from rank 0's weights, broadcast at construction?)"
            elif all(not x.ok for x in verdicts):
                hint = " (every rank differs from single-process training on the whole batch: are the gradients " \
                       "averaged over the ranks, not summed?)"
            return Verdict(False, f"rank {rank}: parameters after training differ from single-process training: "
                                  f"{v.message}{hint}")
    return Verdict(True, margin=max(v.margin for v in verdicts if v.margin is not None))


def _per_step(launches: np.ndarray, steps: int) -> list[np.ndarray]:
    return [launches[launches[:, 0] == s] for s in range(steps)]


def _sizes(rows: np.ndarray) -> list[int]:
    return sorted(int(k) for k in rows[:, 1])


def _check_launches(unit: str, inputs: dict, rank: int, out: dict, expected: dict) -> Verdict | None:
    launches = np.asarray(out["launches"]).reshape(-1, 5)
    numels = [k for _, k in expected["trainable"]]
    n = len(numels)
    who = f"rank {rank}"
    if len(launches) == 0:
        return Verdict(False, f"{who}: no torch.distributed.all_reduce launch was recorded during training (call it "
                              f"as dist.all_reduce, through the module, so the grader can see it)")
    for step, rows in enumerate(_per_step(launches, len(inputs["x"]))):
        at = f"{who}, step {step}"
        if unit == FLAT:
            if len(rows) != 1 or int(rows[0, 1]) != sum(numels):
                return Verdict(False, f"{at}: expected one all-reduce of all {sum(numels)} trainable gradient "
                                      f"elements, got {len(rows)} launches of sizes {_sizes(rows)}")
            continue
        if unit == BUCKETED:
            want = sorted(sum(dict(expected["trainable"])[p] for p in b) for b in expected["buckets"])
            if _sizes(rows) != want:
                return Verdict(False, f"{at}: all-reduce sizes {_sizes(rows)} != one per bucket of sizes {want} "
                                      f"(bucket_size_mb={inputs['bucket_size_mb']:.6g})")
        elif _sizes(rows) != sorted(numels):
            return Verdict(False, f"{at}: expected one all-reduce per trainable parameter ({n}, sizes "
                                  f"{sorted(numels)}; frozen parameters have no gradient and a tied weight is one "
                                  f"parameter), got {len(rows)} of sizes {_sizes(rows)}")
        if unit in (OVERLAP, BUCKETED):
            late = int((rows[:, 2] != BACKWARD).sum())
            if late:
                return Verdict(False, f"{at}: {late} of {len(rows)} all-reduces were launched after "
                                      f"loss.backward() returned: they must start during backward (from "
                                      f"post-accumulate-grad hooks) to overlap with it")
            blocking = int((rows[:, 3] == 0).sum())
            if blocking:
                return Verdict(False, f"{at}: {blocking} all-reduces were blocking (async_op=False): backward "
                                      f"waits for each one, so nothing overlaps")
            if len(rows) > 1 and int(rows[0, 4]) >= n:
                return Verdict(False, f"{at}: the first all-reduce was launched only when all {n} gradients were "
                                      f"ready: launch each as soon as its own gradients are")
    return None


def _check_train(unit: str) -> Callable[[dict, list, Any], Verdict]:
    def check(inputs: dict, ranks: list, expected: Any) -> Verdict:
        for rank, out in enumerate(ranks):
            if out["module_is_model"] is not True:
                return Verdict(False, f"rank {rank}: the wrapper's .module is not the model it wraps")
            if unit == BUCKETED and out["buckets"] != expected["buckets"]:
                return Verdict(False, f"rank {rank}: buckets {out['buckets']} != {expected['buckets']} (reverse "
                                      f"parameter order, trainable parameters only, <= bucket_size_mb * 2**20 "
                                      f"bytes each)")
            v = _check_launches(unit, inputs, rank, out, expected)
            if v is not None:
                return v
        return _check_params(ranks, expected)

    return check


def run_no_world(name: str) -> Callable[[Impl, dict], Any]:
    def run(impl: Impl, inp: dict) -> Any:
        from a2_systems.cases.ddp_drivers import no_world

        return no_world(impl, name)

    return run


def run_bad_bucket(impl: Impl, inp: dict) -> Any:
    """DDPBucketed checks its bucket size before any communication, so no world is needed."""
    from a2_systems.cases.ddp_drivers import ToyNet

    return impl.DDPBucketed(ToyNet(3, 4, 2, 1, tied=False, frozen=False), inp["bucket_size_mb"])


def _train_case(unit: str, name: str, make: Callable, note: str, seeds: tuple[int, ...] = (0, 1),
                hidden_draws: int = 1) -> Case:
    return Case(name=f"{GROUP[unit]}/{name}", inputs=make,
                compare=world(f"{GROUP[unit]} training", _check_train(unit)), expect=ORACLES.expect_train, seeds=seeds,
                hidden_draws=hidden_draws, group=GROUP[unit], note=note)


def _no_world_case(unit: str) -> Case:
    return Case(name=f"{GROUP[unit]}/no_process_group", inputs=lambda rng: {}, compare=raises(RuntimeError),
                run=run_no_world(WRAPPER[unit]), hidden_draws=0,
                note=f"{WRAPPER[unit]} without torch.distributed initialised raises RuntimeError", seeds=(0,))


TRAIN_NOTE = ("3 SGD steps on 2 ranks from different initial weights (tied + frozen weights) equal single-process "
              "training on the whole batch")
SUITE = Suite(
    cases=(
        _train_case(NAIVE, "train", train_inputs(NAIVE), TRAIN_NOTE + "; one all-reduce per trainable parameter"),
        _no_world_case(NAIVE),
        _train_case(FLAT, "train", train_inputs(FLAT), TRAIN_NOTE + "; exactly one all-reduce per step"),
        _no_world_case(FLAT),
        _train_case(OVERLAP, "train", train_inputs(OVERLAP),
                    TRAIN_NOTE + "; one async all-reduce per parameter, launched during backward"),
        _no_world_case(OVERLAP),
        _train_case(BUCKETED, "train", train_inputs(BUCKETED),
                    TRAIN_NOTE + "; 3-5 buckets in reverse order, each one async all-reduce during backward"),
        _train_case(BUCKETED, "one_bucket", train_inputs(BUCKETED, bucket_size_mb=25.0), "a 25 MB bucket holds "
                    "every gradient: one all-reduce per step", seeds=(0,)),
        _no_world_case(BUCKETED),
        # a continuous draw, so no hidden draw repeats the visible one (grader/replay.py); 0 itself is visible only
        Case(name="ddp_bucketed/bad_bucket_size",
             inputs=lambda rng: {"bucket_size_mb": -float(rng.uniform(1e-3, 100.0))},
             compare=raises(ValueError), run=run_bad_bucket, seeds=(0,),
             note="bucket_size_mb < 0 raises ValueError before any communication"),
        Case(name="ddp_bucketed/zero_bucket_size", inputs=lambda rng: {"bucket_size_mb": 0.0},
             compare=raises(ValueError), run=run_bad_bucket, seeds=(0,), hidden_draws=0,
             note="bucket_size_mb = 0 raises ValueError before any communication"),
    ),
    groups=tuple(world_group(g) for g in GROUP.values()),
)
