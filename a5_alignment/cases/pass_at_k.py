"""Cases for a5.pass_at_k (HANDOUT §11.2): small n against a brute-force count over every k-subset, large n
(where C(n, k) overflows a float64) against exact rational arithmetic, the estimator's unbiasedness as a
property (its mean over c ~ Binomial(n, p) is 1 - (1 - p)^k), and bad counts. Oracles in
a5_alignment/oracles/pass_at_k.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, raises

ORACLES = Oracles("a5_alignment.oracles.pass_at_k")  # expected values: instructor-only, never released

# The product form rounds once per factor: relative error <= ~c * 1.1e-16 on the product, so the absolute error
# of 1 - prod is <= ~n * 1.1e-16 (n <= 3000: 3.3e-13); an exact rational is rounded once. atol 1e-10 leaves a
# factor 300; every wrong estimator in the mutants is off by >= 1e-4 somewhere in a draw.
PASS_CLOSE = close(rtol=1e-9, atol=1e-10)


def small_inputs(rng: np.random.Generator) -> dict:
    """12 triples with n <= 12, every k from 1 to n possible (C(12, 6) = 924 subsets at most)."""
    ns = rng.integers(1, 13, size=12)
    cs = [int(rng.integers(0, n + 1)) for n in ns]
    ks = [int(rng.integers(1, n + 1)) for n in ns]
    return {"n": [int(n) for n in ns], "c": cs, "k": ks}


def large_inputs(rng: np.random.Generator) -> dict:
    """8 triples with n in [200, 3000] and k up to n / 2: C(n, k) reaches 10^900, far past float64's 1.8e308.
    c is kept small (<= 3% of n) half of the time, so pass@k is far from 1 and its digits matter."""
    ns = [int(x) for x in rng.integers(200, 3001, size=8)]
    cs = [int(rng.integers(0, max(2, n // 30))) if i % 2 else int(rng.integers(0, n + 1)) for i, n in enumerate(ns)]
    ks = [int(rng.integers(1, n // 2 + 1)) if i % 3 else int(rng.integers(1, 11)) for i, n in enumerate(ns)]
    return {"n": ns, "c": cs, "k": ks}


def run_triples(impl: Impl, inp: dict) -> Any:
    return [float(impl.pass_at_k(n, c, k)) for n, c, k in zip(inp["n"], inp["c"], inp["k"], strict=True)]


def unbiased_inputs(rng: np.random.Generator) -> dict:
    # k >= 2: at k = 1 the answer 1 - (1 - p)^k is p itself, an input the worker holds (grader/check.py:
    # answers_in_inputs); the small and worked cases cover k = 1
    n = int(rng.integers(5, 41))
    return {"n": n, "k": int(rng.integers(2, n + 1)), "p": float(rng.uniform(0.02, 0.6))}


def run_unbiased(impl: Impl, inp: dict) -> Any:
    """The estimator's mean over c ~ Binomial(n, p), summed exactly over every c (no sampling)."""
    from math import comb

    n, k, p = inp["n"], inp["k"], inp["p"]
    return sum(comb(n, c) * p**c * (1 - p) ** (n - c) * float(impl.pass_at_k(n, c, k)) for c in range(n + 1))


def worked_inputs(rng: np.random.Generator) -> dict:
    # n=5, c=2, k=2: C(3,2)/C(5,2) = 3/10 -> 0.7; n=10, c=1, k=1: c/n = 0.1; n=4, c=0, k=3: 0; n=6, c=4, k=3:
    # n - c = 2 < 3 -> 1; n=100, c=10, k=10: 1 - C(90,10)/C(100,10) = 0.66952... (Fraction, in the oracle)
    return {"n": [5, 10, 4, 6, 100], "c": [2, 1, 0, 4, 10], "k": [2, 1, 3, 3, 10]}


def run_bad(impl: Impl, inp: dict) -> Any:
    return impl.pass_at_k(*inp["args"])


SUITE = Suite(cases=(
    Case(name="pass_at_k/worked_examples", inputs=worked_inputs, compare=PASS_CLOSE, run=run_triples,
         expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0,
         note="(5,2,2) -> 0.7, (10,1,1) -> 0.1, c = 0 -> 0, n - c < k -> 1, (100,10,10) -> 0.6695"),
    Case(name="pass_at_k/small_n_brute_force", inputs=small_inputs, compare=PASS_CLOSE, run=run_triples,
         expect=ORACLES.expect_brute_force, hidden_draws=2,
         note="n <= 12: the fraction of all k-subsets of the n samples holding a correct one"),
    Case(name="pass_at_k/large_n_exact", inputs=large_inputs, compare=PASS_CLOSE, run=run_triples,
         expect=ORACLES.expect_exact, hidden_draws=2,
         note="n up to 3000, C(n, k) past float64's range: against exact fractions (math.comb)"),
    Case(name="pass_at_k/unbiased", inputs=unbiased_inputs, compare=close(rtol=1e-9, atol=1e-10),
         run=run_unbiased, expect=ORACLES.expect_unbiased, hidden_draws=2,
         note="the mean over c ~ Binomial(n, p) is 1 - (1 - p)^k (1 - (1 - c/n)^k is biased)"),
    *(Case(name=f"pass_at_k/{name}_raises", inputs=lambda rng, a=args: {"args": list(a)}, compare=raises(ValueError),
           run=run_bad, expect=None, seeds=(0,), hidden_draws=0, note=note)
      for name, args, note in (("c_above_n", (5, 6, 1), "c > n: ValueError"),
                               ("k_above_n", (5, 2, 6), "k > n: ValueError"),
                               ("k_zero", (5, 2, 0), "k = 0: ValueError"))),
))
