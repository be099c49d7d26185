"""Properties of the optional §12-§13 references that need no expected values (hypothesis, derandomised): the vote
agrees with Counter.most_common and ignores None; best-of-N agrees with numpy's argmax; the Bradley-Terry loss is
binary cross-entropy with logits (target 1 for a preference, 1/2 for a tie); accuracy flips with the pair's order;
the reward model ignores padding and equals PPO's value head read at the last real token."""

from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a5_alignment.best_of_n import best_of_n
from a5_alignment.preference_loss import pairwise_accuracy, preference_loss
from a5_alignment.reward_model import RewardModel
from a5_alignment.self_consistency import majority_vote
from a5_alignment.value_head import PolicyWithValue

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None)
ANSWERS = st.lists(st.one_of(st.none(), st.sampled_from(["1", "2", "10", "-3", "x"])), min_size=1, max_size=30)


@SETTINGS
@given(ANSWERS, st.integers(0, 5))
def test_vote_is_counter_order_and_ignores_none(answers, extra_none):
    got = majority_vote(answers)
    counted = Counter(a for a in answers if a is not None)
    # Counter keeps first-insertion order among equal counts, and most_common sorts stably
    assert got == (counted.most_common(1)[0][0] if counted else None)
    assert majority_vote(answers + [None] * extra_none) == got
    assert majority_vote([None] * extra_none + answers) == got


def test_vote_errors():
    for bad in ([], [1], ["1", b"1"]):
        with pytest.raises(ValueError):
            majority_vote(bad)


@SETTINGS
@given(st.lists(st.floats(allow_nan=False, width=64), min_size=1, max_size=40))
def test_best_of_n_is_numpy_argmax(scores):
    assert best_of_n(scores) == int(np.argmax(np.asarray(scores, dtype=np.float64)))
    assert best_of_n(torch.tensor(scores, dtype=torch.float64)) == best_of_n(scores)


def test_best_of_n_errors():
    for bad in ([], [float("nan")], [0.0, float("nan")]):
        with pytest.raises(ValueError):
            best_of_n(bad)


PAIRS = st.integers(1, 20).flatmap(lambda n: st.tuples(
    *(st.lists(st.floats(-60, 60, width=32), min_size=n, max_size=n) for _ in range(2)),
    st.lists(st.floats(0, 3, width=32), min_size=n, max_size=n), st.lists(st.booleans(), min_size=n, max_size=n)))


@SETTINGS
@given(PAIRS)
def test_loss_is_bce_with_logits(p):
    rc, rr, m = (torch.tensor(x, dtype=torch.float64) for x in p[:3])
    tie = torch.tensor(p[3])
    d = rc - rr
    logits = torch.where(tie, d, d - m)
    target = torch.where(tie, 0.5, 1.0).double()  # a tie is a soft label of 1/2
    want = F.binary_cross_entropy_with_logits(logits, target)
    torch.testing.assert_close(preference_loss(rc, rr, m, tie), want, rtol=1e-12, atol=1e-12)


def test_loss_limits_and_errors():
    z = torch.zeros(3)
    assert torch.isclose(preference_loss(z, z), torch.tensor(np.log(2.0), dtype=torch.float32))
    d = torch.zeros(2, requires_grad=True)
    preference_loss(d, torch.zeros(2), tie=torch.tensor([True, True])).backward()
    assert torch.equal(d.grad, torch.zeros(2))  # a tie at d = 0 is at its minimum
    assert torch.isfinite(preference_loss(torch.tensor([-200.0]), torch.tensor([200.0])))
    for args in ((z, torch.zeros(2)), (z, z, -1.0), (z, z, 0.0, torch.zeros(2, dtype=torch.bool)),
                 (torch.zeros(0), torch.zeros(0))):
        with pytest.raises(ValueError):
            preference_loss(*args)


@SETTINGS
@given(PAIRS)
def test_accuracy_flips_with_order(p):
    rc, rr = torch.tensor(p[0]).round(), torch.tensor(p[1]).round()  # rounding makes equal rewards common
    tie = torch.tensor(p[3])
    if bool(tie.all()):
        with pytest.raises(ValueError):
            pairwise_accuracy(rc, rr, tie)
        return
    assert abs(pairwise_accuracy(rc, rr, tie) + pairwise_accuracy(rr, rc, tie) - 1.0) < 1e-12
    assert pairwise_accuracy(rc, rc, tie) == 0.5


def _lm(seed: int) -> TransformerLM:
    torch.manual_seed(seed)
    return TransformerLM.from_config(ModelConfig(32, 16, 16, 2, 2, 32))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reward_model_ignores_padding_and_matches_value_head(seed):
    g = torch.Generator().manual_seed(seed)
    lm = _lm(seed)
    rm, pv = RewardModel(lm), PolicyWithValue(lm)
    with torch.no_grad():
        w, b = torch.randn(1, 16, generator=g), torch.randn(1, generator=g)
        for head in (rm.score_head, pv.value_head):
            head.weight.copy_(w)
            head.bias.copy_(b)
    ids = torch.randint(0, 32, (4, 10), generator=g)
    lengths = torch.tensor([10, 1, 5, 7])
    other = ids.clone()
    for i, n in enumerate(lengths.tolist()):
        other[i, n:] = torch.randint(0, 32, (10 - n,), generator=g)
    with torch.no_grad():
        r = rm(ids, lengths)
        torch.testing.assert_close(rm(other, lengths), r)
        torch.testing.assert_close(r, pv(ids)[1][torch.arange(4), lengths - 1])
    for bad in (torch.tensor([0, 1, 1, 1]), torch.tensor([11, 1, 1, 1]), torch.tensor([1, 1])):
        with pytest.raises(ValueError):
            rm(ids, bad)
