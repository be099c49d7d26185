"""The answer verifier and the r1-zero reward: worked examples, hostile inputs under the time limit, and
properties over random fractions (hypothesis)."""

import time
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from a5_alignment.infra.verifier import answers_match, parse_value
from a5_alignment.reward import extract_answer, r1_zero_reward_fn


def test_equivalent_forms_match():
    for given_, truth in [("0.5", "1/2"), ("\\frac{1}{2}", "0.5"), ("50%", "1/2"), ("1,234", "1234"),
                          ("\\boxed{7}", "7"), ("$12$", "12"), ("2^10", "1024"), ("(3+4)*2", "14"), ("+3", "3"),
                          ("12.50", "25/2"), (" Paris. ", "paris")]:
        assert answers_match(given_, truth), (given_, truth)


def test_different_values_do_not_match():
    for given_, truth in [("-5", "5"), ("1,2", "12"), ("0.33", "1/3"), ("", ""), ("abc", "1"), ("1/0", "1")]:
        assert not answers_match(given_, truth), (given_, truth)


def test_hostile_answers_are_rejected_quickly():
    for hostile in ["9**9**9**9", "2**(2**64)", "((((" * 40 + "1" + "))))" * 40, "1" * 500, "__import__('os')"]:
        t = time.perf_counter()
        assert parse_value(hostile, time_limit_s=0.2) is None or len(hostile) < 200
        assert time.perf_counter() - t < 1.0


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 10**4))
def test_fraction_and_decimal_forms_agree(num, den):
    f = Fraction(num, den)
    assert answers_match(f"{f.numerator}/{f.denominator}", f"{num}/{den}")
    if 10**6 % den == 0:  # a terminating decimal with at most 6 digits
        assert answers_match(f"{float(f):.6f}", f"{num}/{den}")
    assert not answers_match(f"{num}/{den}+1", f"{num}/{den}")


def test_reward_cases_from_the_handout():
    assert r1_zero_reward_fn("x </think> <answer> 7 </answer>", "7") == {
        "format_reward": 1.0, "answer_reward": 1.0, "reward": 1.0}
    assert r1_zero_reward_fn("x </think> <answer> 8 </answer>", "7")["format_reward"] == 1.0
    assert r1_zero_reward_fn("x </think> <answer> 8 </answer>", "7")["reward"] == 0.0
    assert r1_zero_reward_fn("x </think> <answer> 7", "7")["format_reward"] == 0.0
    assert extract_answer("a </think> <answer>1</answer> </think> <answer>2</answer>") == "1"
