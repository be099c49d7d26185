"""Cases for a5.reward_model (RewardModel) and a5.preference_loss (preference_loss, pairwise_accuracy), HANDOUT
§13.1-§13.2: the head against a forward hook on a1's TransformerLM read at each row's last real token, the loss and
its gradients against float64 numpy (log1p/logaddexp and the derivative written out), a hand-worked batch with
every kind of pair, and accuracy against a count. Oracles in a5_alignment/oracles/reward_model.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.ppo import small_lm
from shared.cases import Case, Impl, Oracles, Suite, close, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.reward_model")  # expected values: instructor-only, never released

# float32 loss terms up to ~150 and gradient entries up to 1/pairs: a float32 log-sigmoid is within a few ulps, so
# rtol 1e-5 on the mean; gradients 1e-7 absolute (their float64 tails below e^-100 are 0 in float32).
LOSS_CLOSE = close(rtol=1e-5, atol=1e-7)


# ---- the head ----

def head_inputs(rng: np.random.Generator) -> dict:
    """Rows of 3-9 tokens padded to 9 with random ids (padding on the right); at least one row shorter than 9."""
    b, t, d = int(rng.integers(2, 6)), 9, 16
    lengths = rng.integers(1, t + 1, size=b)
    lengths[int(rng.integers(0, b))] = int(rng.integers(1, t))
    return {"model_seed": int(rng.integers(0, 2**31)), "ids": rng.integers(0, 32, size=(b, t)),
            "lengths": lengths.astype(np.int64), "w": randn(rng, (1, d), scale=0.5), "b": randn(rng, (1,)),
            "d_model": d}


def full_inputs(rng: np.random.Generator) -> dict:
    inp = head_inputs(rng)
    return {**inp, "lengths": None}


def wrapped(impl: Impl, inp: dict) -> Any:
    import torch

    rm = impl.RewardModel(small_lm(inp))
    with torch.no_grad():
        rm.score_head.weight.copy_(tensor(inp["w"]))
        rm.score_head.bias.copy_(tensor(inp["b"]))
    return rm


def _lengths(inp: dict) -> Any:
    return None if inp["lengths"] is None else tensor(inp["lengths"])


def run_head(impl: Impl, inp: dict) -> Any:
    import torch

    rm = wrapped(impl, inp)
    calls = []
    rm.policy.ln_final.register_forward_hook(lambda mod, args, out: calls.append(1))
    with torch.no_grad():
        rewards = rm(tensor(inp["ids"]), _lengths(inp))
    return {"rewards": rewards, "final_norm_calls": len(calls)}


def run_head_zero(impl: Impl, inp: dict) -> Any:
    import torch

    with torch.no_grad():
        return impl.RewardModel(small_lm(inp))(tensor(inp["ids"]), _lengths(inp))


def run_head_grad(impl: Impl, inp: dict) -> Any:
    rm = wrapped(impl, inp)
    rm(tensor(inp["ids"]), _lengths(inp)).sum().backward()
    return rm.policy.token_embeddings.weight.grad


def bad_lengths_inputs(rng: np.random.Generator) -> dict:
    inp = head_inputs(rng)
    inp["lengths"][int(rng.integers(0, len(inp["lengths"])))] = [0, 10][int(rng.integers(0, 2))]
    return inp


# ---- the loss ----

def pairs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rewards of n pairs: most differences of order 1, a few of +-50 to +-150 (where log(sigmoid(.)) of float32
    underflows to -inf)."""
    rc, rr = randn(rng, (n,), scale=1.5), randn(rng, (n,), scale=1.5)
    far = rng.random(n) < 0.2
    rc = np.where(far, rr + rng.choice([-1.0, 1.0], n) * rng.uniform(50, 150, n), rc).astype(np.float32)
    return rc, rr


def loss_inputs(margin: str, ties: bool) -> Any:
    def make(rng: np.random.Generator) -> dict:
        n = int(rng.integers(4, 17))
        rc, rr = pairs(rng, n)
        m: Any = 0.0
        if margin == "float":
            m = float(rng.uniform(0.2, 2.0))
        elif margin == "tensor":
            m = rng.uniform(0.0, 2.0, n).astype(np.float32)
        tie = None
        if ties:
            tie = rng.random(n) < 0.4
            i, j = rng.choice(n, size=2, replace=False)
            tie[i], tie[j] = True, False  # at least one tie and one preferred pair
        return {"rc": rc, "rr": rr, "margin": m, "tie": tie}

    return make


def worked_inputs(rng: np.random.Generator) -> dict:
    ln3 = float(np.log(3.0))
    # pairs (chosen, rejected, margin, tie): d = 0; d = ln 3; d = -ln 3; d - m = ln 3 with m = 1; a tie at d = ln 3
    # whose margin 5 is ignored. The oracle derives the loss and gradients by hand (oracles/reward_model.py).
    return {"rc": np.array([0.7, ln3, 0.0, ln3 + 1.0, ln3], dtype=np.float32),
            "rr": np.array([0.7, 0.0, ln3, 0.0, 0.0], dtype=np.float32),
            "margin": np.array([0.0, 0.0, 0.0, 1.0, 5.0], dtype=np.float32),
            "tie": np.array([False, False, False, False, True])}


def run_loss(impl: Impl, inp: dict) -> Any:
    rc, rr = tensor(inp["rc"], requires_grad=True), tensor(inp["rr"], requires_grad=True)
    m = inp["margin"] if isinstance(inp["margin"], float) else tensor(inp["margin"])
    tie = None if inp["tie"] is None else tensor(inp["tie"])
    loss = impl.preference_loss(rc, rr, m, tie)
    loss.backward()
    return {"loss": loss.detach(), "grad_chosen": rc.grad, "grad_rejected": rr.grad}


def negative_margin_inputs(rng: np.random.Generator) -> dict:
    inp = loss_inputs("tensor", False)(rng)
    inp["margin"][int(rng.integers(0, len(inp["margin"])))] = -0.5
    return inp


def mismatch_inputs(rng: np.random.Generator) -> dict:
    inp = loss_inputs("none", False)(rng)
    return {**inp, "rr": inp["rr"][:-1]}


# ---- accuracy ----

def accuracy_set(rng: np.random.Generator) -> dict:
    """Rewards on a coarse grid (one decimal), so equal rewards occur, and ties labelled on about a third."""
    n = int(rng.integers(6, 41))
    rc, rr = np.round(rng.normal(0.3, 1, n), 1), np.round(rng.normal(0, 1, n), 1)
    eq = rng.random(n) < 0.2
    rr = np.where(eq, rc, rr)
    tie = rng.random(n) < 0.3
    tie[int(rng.integers(0, n))] = False
    return {"rc": rc.astype(np.float32), "rr": rr.astype(np.float32), "tie": tie}


def accuracy_inputs(rng: np.random.Generator) -> dict:
    """Four sets scored apart: one accuracy is a fraction of small denominator that a visible draw's answer
    repeated at one fresh secret in sixteen (grader/replay.py); four at once do not repeat."""
    return {"sets": [accuracy_set(rng) for _ in range(4)]}


def run_accuracy_sets(impl: Impl, inp: dict) -> Any:
    return np.array([run_accuracy(impl, one) for one in inp["sets"]], dtype=np.float64)


def accuracy_worked_inputs(rng: np.random.Generator) -> dict:
    # right (1), wrong (0), equal rewards (1/2), a labelled tie (left out) and right again (1): 2.5 / 4 = 0.625
    return {"rc": np.array([1.0, 0.0, 2.0, 3.0, 0.5], dtype=np.float32),
            "rr": np.array([0.0, 1.0, 2.0, 1.0, -0.5], dtype=np.float32),
            "tie": np.array([False, False, False, True, False])}


def run_accuracy(impl: Impl, inp: dict) -> Any:
    tie = None if inp["tie"] is None else tensor(inp["tie"])
    return float(impl.pairwise_accuracy(tensor(inp["rc"]), tensor(inp["rr"]), tie))


def all_ties_inputs(rng: np.random.Generator) -> dict:
    n = int(rng.integers(1, 6))
    return {"rc": randn(rng, (n,)), "rr": randn(rng, (n,)), "tie": np.ones(n, dtype=bool)}


SUITE = Suite(cases=(
    Case(name="reward_model/matches_trunk", inputs=head_inputs, compare=close(rtol=1e-4, atol=1e-5),
         run=run_head, expect=ORACLES.expect_head, hidden_draws=2,
         note="reward = score_head(ln_final output at each row's last real token); one pass through the trunk"),
    Case(name="reward_model/full_rows", inputs=full_inputs, compare=close(rtol=1e-4, atol=1e-5), run=run_head,
         expect=ORACLES.expect_head, seeds=(0,),
         note="lengths None: every row is full, the last column is read"),
    Case(name="reward_model/zero_init", inputs=head_inputs, compare=close(rtol=0.0, atol=0.0),
         run=run_head_zero, expect=ORACLES.expect_head_zero, seeds=(0,), hidden_draws=0,
         note="a fresh score head is zero: every reward is 0, shape (batch,)"),
    # zero_init is visible feedback only: its answer, zeros of the batch size, repeats a visible one whenever a
    # hidden draw has the same batch (the replay mutant earned its points at one secret in six)
    # float32 backward through two layers on both sides: absolute tolerance relative to the largest entry, as for
    # value_head/gradient_reaches_trunk (cases/ppo.py), whose bound this shares.
    Case(name="reward_model/gradient_reaches_trunk", inputs=head_inputs, compare=close(rtol=1e-4, atol=2e-4),
         run=run_head_grad, expect=ORACLES.expect_head_grad, seeds=(0,),
         note="the trunk is trained with the head: reward gradients reach the embeddings"),
    Case(name="reward_model/bad_lengths_raises", inputs=bad_lengths_inputs, compare=raises(ValueError),
         run=run_head_zero, expect=None, seeds=(0,), note="a length of 0 or past the row: ValueError"),
    Case(name="preference_loss/worked_example", inputs=worked_inputs, compare=LOSS_CLOSE, run=run_loss,
         expect=ORACLES.expect_loss_worked, seeds=(0,), hidden_draws=0,
         note="d = 0, ln 3, -ln 3, a margin of 1, a tie: loss and gradients by hand"),
    Case(name="preference_loss/plain", inputs=loss_inputs("none", False), compare=LOSS_CLOSE, run=run_loss,
         expect=ORACLES.expect_loss, hidden_draws=2,
         note="mean of -log sigmoid(r_chosen - r_rejected), stable at |d| = 150"),
    Case(name="preference_loss/margin", inputs=loss_inputs("float", False), compare=LOSS_CLOSE, run=run_loss,
         expect=ORACLES.expect_loss, hidden_draws=2, note="-log sigmoid(d - margin), margin a float"),
    Case(name="preference_loss/margin_per_pair", inputs=loss_inputs("tensor", False), compare=LOSS_CLOSE,
         run=run_loss, expect=ORACLES.expect_loss, seeds=(0,), hidden_draws=2, note="margin a (pairs,) tensor"),
    Case(name="preference_loss/ties", inputs=loss_inputs("tensor", True), compare=LOSS_CLOSE, run=run_loss,
         expect=ORACLES.expect_loss, hidden_draws=3,
         note="a tie adds -1/2[log sigmoid(d) + log sigmoid(-d)] (no margin) and counts in the mean"),
    Case(name="preference_loss/negative_margin_raises", inputs=negative_margin_inputs, compare=raises(ValueError),
         run=run_loss, expect=None, seeds=(0,), hidden_draws=0, note="a margin below 0: ValueError"),
    Case(name="preference_loss/shape_mismatch_raises", inputs=mismatch_inputs, compare=raises(ValueError),
         run=run_loss, expect=None, seeds=(0,), hidden_draws=0, note="chosen and rejected of other lengths"),
    Case(name="pairwise_accuracy/worked_example", inputs=accuracy_worked_inputs, compare=close(rtol=0, atol=1e-12),
         run=run_accuracy, expect=ORACLES.expect_accuracy_worked, seeds=(0,), hidden_draws=0,
         note="right 1, wrong 0, equal rewards 1/2, a tie left out: 2.5 / 4"),
    Case(name="pairwise_accuracy/random", inputs=accuracy_inputs, compare=close(rtol=0, atol=1e-12),
         run=run_accuracy_sets, expect=ORACLES.expect_accuracy_sets, hidden_draws=3,
         note="equal rewards count 1/2, labelled ties are left out"),
    Case(name="pairwise_accuracy/all_ties_raises", inputs=all_ties_inputs, compare=raises(ValueError),
         run=run_accuracy, expect=None, seeds=(0,), hidden_draws=0, note="no pair to order: ValueError"),
))
