"""Comparators: the verdict side of a case. They run in the grader's process, never beside student code.

A comparator is called as `compare(inputs, outputs, expected) -> Verdict`. Outputs arrive decoded from the
data-only codec (numpy arrays, Python scalars, containers), or as a `Raised` record when the run raised.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.cases.stats import chi2_sf, kolmogorov_sf


@dataclass(frozen=True)
class Verdict:
    """`margin` is how close the answer came to failing, as error / tolerance (0: exact, 1: at the edge, above 1:
    failed), where the comparator has a tolerance; `grader check --deep` gates on the worst margin."""

    ok: bool
    message: str = ""
    margin: float | None = None


@dataclass(frozen=True)
class Raised:
    """What a run raised, as reported by the worker: the exception's qualified type name, its message and
    where in the assignment's code it was raised."""

    type: str
    message: str
    where: str = ""


PASS = Verdict(True)


class Comparator:
    name = "comparator"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


def _is_float_array(a: Any) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind in "fc"


def _fmt_index(idx: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in idx) + ")"


def _worst(margins: list[float | None]) -> float | None:
    known = [m for m in margins if m is not None]
    return max(known) if known else None


def _walk(outputs: Any, expected: Any, leaf: Callable[[Any, Any, str], Verdict], path: str = "output") -> Verdict:
    """Match container structure, then apply `leaf` to each non-container pair; a pass carries the worst margin
    of its leaves."""
    if isinstance(expected, dict):
        if not isinstance(outputs, dict):
            return Verdict(False, f"{path}: expected a dict, got {type(outputs).__name__}")
        if set(outputs) != set(expected):
            missing = sorted(set(expected) - set(outputs))
            extra = sorted(set(outputs) - set(expected))
            return Verdict(False, f"{path}: keys differ (missing {missing}, unexpected {extra})")
        margins = []
        for k in expected:
            v = _walk(outputs[k], expected[k], leaf, f"{path}[{k!r}]")
            if not v.ok:
                return v
            margins.append(v.margin)
        return Verdict(True, margin=_worst(margins))
    if isinstance(expected, (tuple, list)):
        if not isinstance(outputs, (tuple, list)):
            return Verdict(False, f"{path}: expected a sequence of {len(expected)}, got {type(outputs).__name__}")
        if len(outputs) != len(expected):
            return Verdict(False, f"{path}: expected {len(expected)} items, got {len(outputs)}")
        margins = []
        for i, (o, e) in enumerate(zip(outputs, expected, strict=True)):
            v = _walk(o, e, leaf, f"{path}[{i}]")
            if not v.ok:
                return v
            margins.append(v.margin)
        return Verdict(True, margin=_worst(margins))
    return leaf(outputs, expected, path)


class close(Comparator):
    """Floats within `atol + rtol * |expected|` elementwise (as torch.testing / numpy.isclose), NaN never equal.
    Shape must match; dtype must match too unless `check_dtype=False`."""

    def __init__(self, rtol: float = 1e-5, atol: float = 1e-6, check_dtype: bool = True) -> None:
        self.rtol, self.atol, self.check_dtype = rtol, atol, check_dtype
        self.name = f"close(rtol={rtol:g}, atol={atol:g})"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        return _walk(outputs, expected, self._leaf)

    def _leaf(self, out: Any, exp: Any, path: str) -> Verdict:
        if isinstance(exp, (int, float)) and not isinstance(exp, bool):
            if not isinstance(out, (int, float)) or isinstance(out, bool):
                return Verdict(False, f"{path}: expected a number, got {type(out).__name__}")
            out, exp = np.asarray(out, dtype=np.float64), np.asarray(exp, dtype=np.float64)
        if not isinstance(exp, np.ndarray):
            return Verdict(False, f"{path}: close() compares numbers and arrays, not {type(exp).__name__}")
        if not isinstance(out, np.ndarray):
            return Verdict(False, f"{path}: expected an array of shape {tuple(exp.shape)}, got "
                                  f"{type(out).__name__}")
        if out.shape != exp.shape:
            return Verdict(False, f"{path}: shape {tuple(out.shape)} != expected {tuple(exp.shape)}")
        if self.check_dtype and out.dtype != exp.dtype:
            return Verdict(False, f"{path}: dtype {out.dtype} != expected {exp.dtype}")
        if out.dtype.kind not in "fciub":
            return Verdict(False, f"{path}: dtype {out.dtype} is not numeric")
        o = out.astype(np.complex128 if out.dtype.kind == "c" else np.float64)
        e = exp.astype(np.complex128 if exp.dtype.kind == "c" else np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(o - e)
            bad = ~(diff <= self.atol + self.rtol * np.abs(e))
        # subtle: an infinite expected value makes the tolerance infinite, so infinities must match exactly;
        # inf - inf is nan, so equal infinities would otherwise count as a mismatch.
        inf = np.isinf(o) | np.isinf(e)
        bad = (bad & ~inf) | (inf & (o != e))
        n_bad = int(bad.sum())
        if n_bad == 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(inf, 0.0, diff / (self.atol + self.rtol * np.abs(e)))
            # an exact comparison (both tolerances 0) that passed has margin 0
            ratio = np.nan_to_num(ratio, nan=0.0, posinf=0.0)
            return Verdict(True, margin=float(ratio.max()) if ratio.size else 0.0)
        finite = np.where(np.isfinite(diff), diff, np.inf)
        worst = np.unravel_index(int(np.argmax(np.where(bad, finite, -1.0))), bad.shape) if bad.ndim else ()
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(bad, finite / np.maximum(np.abs(e), 1e-300), 0.0)
        where = f" at index {_fmt_index(worst)}" if bad.ndim else ""
        got, want = o[worst] if bad.ndim else o, e[worst] if bad.ndim else e
        return Verdict(False, (
            f"{path}: {n_bad} of {bad.size} elements ({100.0 * n_bad / max(bad.size, 1):.1f}%) differ beyond "
            f"atol={self.atol:g} + rtol={self.rtol:g}*|expected|; max abs error {float(np.max(finite[bad])):.3g}"
            f"{where} (got {complex(got) if o.dtype.kind == 'c' else float(got):.6g}, "
            f"expected {complex(want) if e.dtype.kind == 'c' else float(want):.6g}); "
            f"max rel error {float(np.max(rel)):.3g}"
        ))


class close_norm(Comparator):
    """Float arrays close in norm: ||out - expected||_2 <= rtol * ||expected||_2 + atol * sqrt(size), per array.
    For a deep float32 computation against a float64 oracle, where ill-conditioned layers leave a few small
    elements with most of the rounding: an elementwise test rejects correct code there, while a wrong formula
    (a mis-weighted term, a missing gradient) moves the whole array by far more than rtol."""

    def __init__(self, rtol: float = 1e-3, atol: float = 1e-7) -> None:
        self.rtol, self.atol = rtol, atol
        self.name = f"close_norm(rtol={rtol:g}, atol={atol:g})"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        return _walk(outputs, expected, self._leaf)

    def _leaf(self, out: Any, exp: Any, path: str) -> Verdict:
        if not isinstance(exp, np.ndarray) or exp.dtype.kind != "f":
            return Verdict(False, f"{path}: close_norm() compares float arrays, not {type(exp).__name__}")
        if not isinstance(out, np.ndarray) or out.shape != exp.shape:
            return Verdict(False, f"{path}: expected an array of shape {tuple(exp.shape)}, got "
                                  f"{tuple(out.shape) if isinstance(out, np.ndarray) else type(out).__name__}")
        if out.dtype.kind != "f":
            return Verdict(False, f"{path}: dtype {out.dtype} is not floating point")
        o, e = out.astype(np.float64), exp.astype(np.float64)
        if not np.isfinite(o).all():
            return Verdict(False, f"{path}: {int((~np.isfinite(o)).sum())} elements are NaN or infinite")
        err, scale = float(np.linalg.norm(o - e)), float(np.linalg.norm(e))
        bound = self.rtol * scale + self.atol * math.sqrt(max(e.size, 1))
        if err <= bound:
            return Verdict(True, margin=err / bound if bound > 0 else 0.0)
        worst = np.unravel_index(int(np.argmax(np.abs(o - e))), e.shape) if e.ndim else ()
        return Verdict(False, (
            f"{path}: off by {err / max(scale, 1e-300):.3g} of its norm (allowed {self.rtol:g}); largest "
            f"difference at index {_fmt_index(worst)} (got {float(o[worst]):.6g}, expected {float(e[worst]):.6g})"))


class exact(Comparator):
    """Equality of ints, strings, bytes, bools and integer/bool arrays. Refuses floats: use close()."""

    name = "exact"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        return _walk(outputs, expected, self._leaf)

    def _leaf(self, out: Any, exp: Any, path: str) -> Verdict:
        if isinstance(exp, float) or _is_float_array(exp):
            raise TypeError(f"{path}: exact() is not for floats; use close(rtol, atol)")
        if isinstance(exp, np.ndarray):
            if not isinstance(out, np.ndarray):
                return Verdict(False, f"{path}: expected an array of shape {tuple(exp.shape)}, got "
                                      f"{type(out).__name__}")
            if out.shape != exp.shape:
                return Verdict(False, f"{path}: shape {tuple(out.shape)} != expected {tuple(exp.shape)}")
            if out.dtype.kind != exp.dtype.kind:
                return Verdict(False, f"{path}: dtype {out.dtype} != expected {exp.dtype}")
            bad = out != exp
            if not bad.any():
                return Verdict(True, margin=0.0)
            first = np.argwhere(bad)[0]
            return Verdict(False, f"{path}: {int(bad.sum())} of {bad.size} elements differ; first at "
                                  f"{_fmt_index(tuple(first))}: got {out[tuple(first)].item()!r}, expected "
                                  f"{exp[tuple(first)].item()!r}")
        if type(out) is not type(exp) or out != exp:
            return Verdict(False, f"{path}: got {_short(out)}, expected {_short(exp)}")
        return Verdict(True, margin=0.0)


def _short(v: Any, n: int = 120) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 3] + "..."


def _hashable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return v


class set_equal(Comparator):
    """Same elements, order and multiplicity ignored (e.g. BPE vocab values)."""

    name = "set_equal"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if not isinstance(outputs, (list, tuple)):
            return Verdict(False, f"expected a sequence, got {type(outputs).__name__}")
        got, want = {_hashable(x) for x in outputs}, {_hashable(x) for x in expected}
        if got == want:
            return Verdict(True, margin=0.0)
        missing, extra = want - got, got - want
        return Verdict(False, f"sets differ: {len(missing)} missing (e.g. {_short(next(iter(missing), None))}), "
                              f"{len(extra)} unexpected (e.g. {_short(next(iter(extra), None))})")


class permutation(Comparator):
    """Same elements with the same multiplicity, in any order."""

    name = "permutation"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if not isinstance(outputs, (list, tuple)):
            return Verdict(False, f"expected a sequence, got {type(outputs).__name__}")
        got, want = Counter(_hashable(x) for x in outputs), Counter(_hashable(x) for x in expected)
        if got == want:
            return Verdict(True, margin=0.0)
        return Verdict(False, f"not a permutation of the expected {len(expected)} items "
                              f"(got {len(outputs)}; {sum((want - got).values())} expected items missing)")


class raises(Comparator):
    """The run must raise exactly `exc_type` (a subclass does not count: NotImplementedError is a
    RuntimeError, and a stub must not pass a case that expects RuntimeError)."""

    def __init__(self, exc_type: type[BaseException]) -> None:
        self.qualname = f"{exc_type.__module__}.{exc_type.__qualname__}"
        self.name = f"raises({exc_type.__qualname__})"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if isinstance(outputs, Raised):
            if outputs.type == self.qualname:
                return PASS
            return Verdict(False, f"raised {outputs.type} ({outputs.message}), expected {self.qualname}")
        return Verdict(False, f"returned {_short(outputs)} instead of raising {self.qualname}")


class at_most(Comparator):
    """A figure no larger than `limit`, or than `factor` times the expected figure when `limit` is None."""

    def __init__(self, limit: float | None = None, factor: float = 1.0) -> None:
        self.limit, self.factor = limit, factor
        self.name = f"at_most({limit if limit is not None else f'{factor:g}x expected'})"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        bound = self.limit if self.limit is not None else self.factor * float(expected)
        if isinstance(outputs, bool) or not isinstance(outputs, (int, float)):
            return Verdict(False, f"expected a number, got {type(outputs).__name__}")
        if not outputs <= bound:  # also catches NaN
            return Verdict(False, f"{outputs:.6g} exceeds the bound {bound:.6g}")
        return Verdict(True, margin=max(0.0, outputs / bound) if bound > 0 else None)


class predicate(Comparator):
    """A named property of (inputs, outputs), e.g. "rows sum to one". `check` returns True/False, a
    (bool, message) pair, or (bool, message, margin) where the property has a tolerance (the worst error over
    it). Expected values are not consulted."""

    def __init__(self, name: str, check: Callable[[Any, Any], bool | tuple[bool, str]]) -> None:
        self.name, self.check = name, check

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        try:
            result = self.check(inputs, outputs)
        except Exception as e:  # noqa: BLE001 - a malformed output must fail the property, not crash the grader
            return Verdict(False, f"{self.name}: could not check the output ({type(e).__name__}: {e})")
        parts = result if isinstance(result, tuple) else (bool(result), "")
        ok, msg = bool(parts[0]), str(parts[1]) if len(parts) > 1 else ""
        margin = float(parts[2]) if len(parts) > 2 and parts[2] is not None else None
        if ok:
            return Verdict(True, margin=margin)
        return Verdict(False, f"property '{self.name}' does not hold" + (f": {msg}" if msg else ""), margin)


class fields(Comparator):
    """A dict output whose keys are compared by their own comparators."""

    def __init__(self, **per_key: Comparator) -> None:
        self.per_key = per_key
        self.name = "fields(" + ", ".join(f"{k}={c!r}" for k, c in per_key.items()) + ")"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if not isinstance(outputs, dict):
            return Verdict(False, f"expected a dict with keys {sorted(self.per_key)}, got {type(outputs).__name__}")
        margins = []
        for key, comp in self.per_key.items():
            if key not in outputs:
                return Verdict(False, f"output has no '{key}'")
            v = comp(inputs, outputs[key], None if expected is None else expected[key])
            if not v.ok:
                return Verdict(False, f"{key}: {v.message}")
            margins.append(v.margin)
        return Verdict(True, margin=_worst(margins))


MIN_EXPECTED = 5.0


def pooled(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Categories whose expected count is below MIN_EXPECTED merged into one, and that one into the smallest
    other category while it is still below: Pearson's statistic follows chi-squared only when every expected
    count is large enough. Unpooled, 16 categories of 3000 samples with a few expected counts below 1 rejected
    a correct sampler in 0.6% of draws at alpha = 1e-6 (a2's speculative decoding), 6000 times too often."""
    small = expected < MIN_EXPECTED
    if not small.any() or small.all():
        return observed, expected
    obs, exp = list(observed[~small]), list(expected[~small])
    o, e = float(observed[small].sum()), float(expected[small].sum())
    while e < MIN_EXPECTED and obs:
        i = int(np.argmin(exp))
        o, e = o + obs.pop(i), e + exp.pop(i)
    return np.array([*obs, o]), np.array([*exp, e])


class distribution(Comparator):
    """A fixed-seed goodness-of-fit test for random outputs, where a correct implementation may draw random
    numbers in another order than the reference.

    - With `cdf` (a function of the inputs returning a vectorised CDF): one-sample Kolmogorov-Smirnov test of
      the output samples against that continuous distribution.
    - Without: Pearson chi-squared test of integer category samples against the expected probabilities.

    A correct implementation is rejected with probability `alpha` (default 1e-6) at a fresh seed; since the
    inputs are seeded, the verdict for a given implementation is deterministic.
    """

    def __init__(self, cdf: Callable[[Any], Callable[[np.ndarray], np.ndarray]] | None = None,
                 alpha: float = 1e-6) -> None:
        if not 0 < alpha <= 1e-6:
            raise ValueError("the false-reject rate of a graded distribution test must be at most 1e-6")
        self.cdf, self.alpha = cdf, alpha
        self.name = f"distribution({'ks' if cdf else 'chi2'}, alpha={alpha:g})"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if not isinstance(outputs, np.ndarray) or outputs.size == 0:
            return Verdict(False, f"expected a non-empty array of samples, got {type(outputs).__name__}")
        if self.cdf is not None:
            x = np.sort(outputs.astype(np.float64).ravel())
            if not np.isfinite(x).all():
                return Verdict(False, "samples contain NaN or infinity")
            n = x.size
            f = self.cdf(inputs)(x)
            d = max(float(np.max(np.arange(1, n + 1) / n - f)), float(np.max(f - np.arange(n) / n)))
            p = kolmogorov_sf(d, n)
            test = f"KS statistic {d:.4f} over {n} samples"
        else:
            probs = np.asarray(expected, dtype=np.float64)
            if outputs.dtype.kind not in "iu":
                return Verdict(False, f"expected integer category samples, got dtype {outputs.dtype}")
            if outputs.min() < 0 or outputs.max() >= probs.size:
                return Verdict(False, f"samples fall outside the {probs.size} categories")
            counts = np.bincount(outputs.ravel(), minlength=probs.size).astype(np.float64)
            n = counts.sum()
            support = probs > 0
            if counts[~support].any():
                return Verdict(False, "samples fall in categories of probability zero")
            obs, exp_counts = pooled(counts[support], probs[support] / probs[support].sum() * n)
            stat = float(((obs - exp_counts) ** 2 / exp_counts).sum())
            df = obs.size - 1
            p = chi2_sf(stat, df) if df > 0 else 1.0
            test = f"chi-squared {stat:.2f} with {df} degrees of freedom over {int(n)} samples"
        if p < self.alpha or math.isnan(p):
            return Verdict(False, f"samples do not follow the expected distribution: {test}, p = {p:.3g} "
                                  f"< alpha = {self.alpha:g}")
        # subtle: on the log scale of the test, log p / log alpha: 1 at the rejection edge, 0.5 at p = 1e-3 for
        # alpha = 1e-6. A correct sampler's p is uniform, so this margin is a draw, not a tolerance to tighten.
        return Verdict(True, margin=max(0.0, math.log(max(p, 1e-300)) / math.log(self.alpha)) if p < 1 else 0.0)
