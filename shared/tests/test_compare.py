"""Comparators: verdicts and the messages a student reads. Expected values here are worked by hand."""

import numpy as np
import pytest

from shared.cases import (
    Raised,
    at_most,
    close,
    distribution,
    exact,
    fields,
    permutation,
    predicate,
    raises,
    set_equal,
)
from shared.cases.compare import pooled


def test_close_passes_within_tolerance_and_reports_worst_element():
    exp = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    assert close(rtol=1e-5, atol=1e-6)(None, exp + 1e-7, exp).ok
    got = exp.copy()
    got[1, 0] = 3.5  # off by 0.5 at (1, 0)
    got[0, 1] = 2.1  # off by 0.1 at (0, 1)
    v = close()(None, got, exp)
    assert not v.ok
    assert "2 of 4 elements (50.0%)" in v.message
    assert "max abs error 0.5 at index (1, 0)" in v.message
    assert "got 3.5, expected 3" in v.message
    assert "max rel error 0.167" in v.message  # 0.5 / 3


def test_close_checks_shape_dtype_and_nan():
    exp = np.zeros(3, np.float32)
    assert "shape (4,)" in close()(None, np.zeros(4, np.float32), exp).message
    assert "dtype float64" in close()(None, np.zeros(3), exp).message
    assert close(check_dtype=False)(None, np.zeros(3), exp).ok
    assert not close()(None, np.array([0, np.nan, 0], np.float32), exp).ok
    inf = np.array([np.inf], np.float32)
    assert close()(None, inf, inf).ok and not close()(None, -inf, inf).ok
    assert "expected an array" in close()(None, [0.0, 0.0, 0.0], exp).message


def test_close_walks_containers():
    exp = {"a": (np.ones(2, np.float32), 3.0)}
    assert close()(None, {"a": (np.ones(2, np.float32), 3.0)}, exp).ok
    v = close()(None, {"a": (np.ones(2, np.float32), 4.0)}, exp)
    assert not v.ok and "output['a'][1]" in v.message
    assert "keys differ" in close()(None, {"b": 1}, exp).message


def test_exact_refuses_floats_and_names_first_difference():
    with pytest.raises(TypeError, match="not for floats"):
        exact()(None, 1.0, 1.0)
    v = exact()(None, np.array([1, 2, 3]), np.array([1, 5, 3]))
    assert not v.ok and "first at (1): got 2, expected 5" in v.message
    assert exact()(None, b"ab", b"ab").ok and not exact()(None, "ab", b"ab").ok
    assert not exact()(None, True, 1).ok  # a bool is not the int 1


def test_raises_matches_the_exact_type_only():
    assert raises(ValueError)(None, Raised("builtins.ValueError", "bad"), None).ok
    # NotImplementedError is a RuntimeError: a stub must not pass a case expecting RuntimeError.
    assert not raises(RuntimeError)(None, Raised("builtins.NotImplementedError", "todo"), None).ok
    assert not raises(ValueError)(None, Raised("student.ValueError", "fake"), None).ok
    assert "instead of raising" in raises(ValueError)(None, 3, None).message


def test_set_equal_and_permutation():
    assert set_equal()(None, [b"b", b"a", b"a"], [b"a", b"b"]).ok
    assert not set_equal()(None, [b"a"], [b"a", b"b"]).ok
    assert permutation()(None, [3, 1, 2], [1, 2, 3]).ok
    assert not permutation()(None, [1, 1, 2], [1, 2, 2]).ok


def test_at_most_and_predicate_and_fields():
    assert at_most(10)(None, 9.5, None).ok and not at_most(10)(None, float("nan"), None).ok
    assert at_most(factor=2.0)(None, 3.0, 2.0).ok and not at_most(factor=1.0)(None, 3.0, 2.0).ok
    sums_to_one = predicate("sums to one", lambda inp, out: abs(float(np.sum(out)) - 1) < 1e-6)
    assert sums_to_one(None, np.array([0.25, 0.75]), None).ok
    v = sums_to_one(None, np.array([0.5, 0.75]), None)
    assert not v.ok and "sums to one" in v.message
    assert not sums_to_one(None, "garbage", None).ok  # a malformed output fails the property
    comp = fields(n=exact(), x=close())
    assert comp(None, {"n": 2, "x": 1.0}, {"n": 2, "x": 1.0}).ok
    assert "n:" in comp(None, {"n": 3, "x": 1.0}, {"n": 2, "x": 1.0}).message


def test_distribution_chi2_accepts_right_and_rejects_wrong_sampler():
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    rng = np.random.default_rng(0)
    good = rng.choice(4, size=5000, p=probs)
    bad = rng.choice(4, size=5000, p=[0.25, 0.25, 0.25, 0.25])
    assert distribution()(None, good, probs).ok
    v = distribution()(None, bad, probs)
    assert not v.ok and "chi-squared" in v.message
    assert not distribution()(None, np.array([0, 1, 7]), probs).ok


def test_distribution_ks_with_cdf():
    def uniform_cdf(inputs):
        return lambda x: np.clip(x, 0.0, 1.0)

    rng = np.random.default_rng(1)
    assert distribution(cdf=uniform_cdf)(None, rng.uniform(size=3000), None).ok
    assert not distribution(cdf=uniform_cdf)(None, rng.uniform(size=3000) ** 1.3, None).ok
    with pytest.raises(ValueError, match="at most 1e-6"):
        distribution(alpha=0.05)


def test_distribution_false_reject_rate_is_small():
    # 200 correct samplers at fresh seeds: with alpha = 1e-6 none may be rejected.
    probs = np.array([0.5, 0.3, 0.2])
    comp = distribution()
    rejected = sum(not comp(None, np.random.default_rng(s).choice(3, size=2000, p=probs), probs).ok
                   for s in range(200))
    assert rejected == 0


def test_distribution_keeps_its_false_reject_rate_with_rare_categories():
    """Categories expected less than once in the sample (a2's joint of two tokens: 16 categories, 3000 samples)
    make Pearson's statistic heavy-tailed; unpooled, a correct sampler was rejected about once in 170 draws at
    alpha = 1e-6. 1000 correct samplers at fresh seeds: with pooling, none may be rejected, and p < 1e-3 (a margin
    above 0.5) stays about as rare as it should be (0.1%: at most 8 of 1000 but for a chance below 1e-4)."""
    comp = distribution()
    rejected = above_half = 0
    for s in range(1000):
        rng = np.random.default_rng(s)
        probs = rng.dirichlet(np.full(16, 0.3))  # a few categories carry almost nothing
        v = comp(None, rng.choice(16, size=3000, p=probs), probs)
        rejected += not v.ok
        above_half += v.ok and v.margin > 0.5
    assert rejected == 0 and above_half <= 8, (rejected, above_half)


def test_pooled_merges_small_expected_counts_and_keeps_the_totals():
    obs, exp = pooled(np.array([10.0, 1.0, 0.0, 30.0]), np.array([12.0, 0.5, 1.5, 27.0]))
    # 0.5 + 1.5 = 2 < 5: merged into the smallest other category (12): bins {30 | 27}, {10 + 1 + 0 | 12 + 2}
    assert sorted(exp.tolist()) == [14.0, 27.0] and sorted(obs.tolist()) == [11.0, 30.0]
    assert obs.sum() == 41.0 and exp.sum() == 41.0


def test_close_norm_passes_scattered_rounding_and_rejects_a_moved_array():
    from shared.cases import close_norm

    exp = np.array([[3.0, 4.0], [0.0, 0.001]])  # norm 5
    comp = close_norm(rtol=1e-3, atol=0.0)
    # one small element off by 3e-3, three times its own size: elementwise rtol would refuse; the norm is 5,
    # so 3e-3 is 6e-4 of it, under 1e-3 (margin 0.6)
    got = exp + np.array([[0.0, 0.0], [0.0, 3e-3]])
    v = comp(None, got, exp)
    assert v.ok and abs(v.margin - 0.6) < 1e-6  # the norm is 5.0000001
    # every element scaled by 1.01 (a mis-weighted term): off by 1e-2 of the norm
    v = comp(None, exp * 1.01, exp)
    assert not v.ok and "off by 0.01 of its norm" in v.message and "index (1, 0)" not in v.message
    assert not comp(None, exp.astype(np.int64), exp).ok
    assert not comp(None, np.full((2, 2), np.nan), exp).ok
    assert not comp(None, exp[:1], exp).ok
