"""Cases for a2.timing. The function timed is a fake asynchronous device: a call only queues work (its duration),
the clock advances only when `sync()` drains the queue, as on a GPU. So a benchmark that measures a step without
synchronising sees 0 s, one that forgets to drain the warm-up's queue adds it to the first step, and one that
times warm-up calls sees their (deliberately huge) durations. The expected times are the inputs' durations of
the measured calls: a worked example, independent of any implementation (a2_systems/oracles/timing.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises

ORACLES = Oracles("a2_systems.oracles.timing")  # expected values: instructor-only, never released


class FakeAsyncDevice:
    """fn() queues durations[k] for call k; sync() advances the clock by what is queued; clock() reads it."""

    def __init__(self, durations: list[float]) -> None:
        self.durations = durations
        self.now = 0.0
        self.pending = 0.0
        self.calls = 0

    def fn(self) -> None:
        if self.calls >= len(self.durations):
            raise RuntimeError(f"fn was called more than warmup + steps = {len(self.durations)} times")
        self.pending += self.durations[self.calls]
        self.calls += 1

    def sync(self) -> None:
        self.now += self.pending
        self.pending = 0.0

    def clock(self) -> float:
        return self.now


def timing_inputs(rng: np.random.Generator) -> dict:
    warmup, steps = int(rng.integers(1, 4)), int(rng.integers(2, 6))
    # warm-up calls are "compilations": 1000x a steady step, so timing one of them is unmistakable
    durations = [1000.0 * (1 + k) for k in range(warmup)] + [float(d) for d in rng.uniform(0.5, 2.0, steps)]
    return {"warmup": warmup, "steps": steps, "durations": durations}


def no_warmup_inputs(rng: np.random.Generator) -> dict:
    steps = int(rng.integers(1, 4))
    return {"warmup": 0, "steps": steps, "durations": [float(d) for d in rng.uniform(0.5, 2.0, steps)]}


def run_fake(impl: Impl, inp: dict) -> Any:
    dev = FakeAsyncDevice(inp["durations"])
    timing = impl.benchmark(dev.fn, warmup=inp["warmup"], steps=inp["steps"], sync=dev.sync, clock=dev.clock)
    return {"times": [float(t) for t in timing.times_s], "calls": dev.calls}


def bad_inputs(rng: np.random.Generator) -> dict:
    # wide ranges, so no hidden draw repeats a visible one (grader/replay.py); the lambda makes warmup free
    return {"warmup": int(rng.integers(0, 200)), "steps": -int(rng.integers(0, 50))}


def run_bad(impl: Impl, inp: dict) -> Any:
    return impl.benchmark(lambda: None, warmup=inp["warmup"], steps=inp["steps"], sync=lambda: None)


SUITE = Suite(cases=(
    Case(name="timing/async_device", inputs=timing_inputs,
         compare=fields(times=close(rtol=1e-9, atol=1e-9), calls=exact()), run=run_fake,
         expect=ORACLES.expect_fake, seeds=(0, 1, 2), hidden_draws=3,
         note="times the fake GPU: warm-up unmeasured, sync before each closing clock read"),
    Case(name="timing/no_warmup", inputs=no_warmup_inputs,
         compare=fields(times=close(rtol=1e-9, atol=1e-9), calls=exact()), run=run_fake,
         expect=ORACLES.expect_fake, seeds=(0,),
         note="warmup=0 measures every call"),
    Case(name="timing/zero_steps", inputs=bad_inputs, compare=raises(ValueError), run=run_bad, seeds=(0,),
         note="steps <= 0 is a ValueError naming steps"),
))
