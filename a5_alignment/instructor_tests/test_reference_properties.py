"""Properties of the reference that need no expected values (hypothesis, derandomised): masked reductions ignore
masked values, advantages are centred per group, gradient accumulation equals one big batch, GRPO-clip equals
REINFORCE at ratio 1, DPO's gradient raises the chosen response."""

import math

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from a5_alignment.advantages import compute_group_normalized_rewards
from a5_alignment.dpo import per_instance_dpo_loss
from a5_alignment.log_probs import compute_entropy, get_response_log_probs
from a5_alignment.masked import masked_mean, masked_normalize
from a5_alignment.pg_losses import compute_grpo_clip_loss, compute_naive_policy_gradient_loss
from a5_alignment.sft_step import sft_microbatch_train_step
from a5_alignment.tokenization import tokenize_prompt_and_output

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None)


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 7), st.integers(0, 2**31 - 1))
def test_masked_values_never_matter(b, t, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, t, generator=g)
    m = torch.rand(b, t, generator=g) < 0.5
    m[:, 0] = True
    y = x.where(m, torch.randn(b, t, generator=g) * 1e6)
    for dim in (None, -1):
        assert torch.allclose(masked_mean(x, m, dim), masked_mean(y, m, dim))
        assert torch.allclose(masked_normalize(x, m, dim, 3.0), masked_normalize(y, m, dim, 3.0))
    assert torch.allclose(masked_mean(x, torch.ones_like(m)), x.mean())


@SETTINGS
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=24), st.integers(2, 6))
def test_advantages_are_centred_per_group(rewards, g):
    n = len(rewards) - len(rewards) % g
    if n == 0:
        return
    table = {str(i): r for i, r in enumerate(rewards[:n])}
    adv, raw, _ = compute_group_normalized_rewards(lambda r, t: {"reward": table[r]}, list(table), ["t"] * n, g,
                                                   1e-6, True)
    sums = adv.view(-1, g).sum(-1)
    assert torch.allclose(sums, torch.zeros_like(sums), atol=1e-3)
    std = raw.view(-1, g).std(-1)
    assert all(torch.allclose(a.std(), torch.tensor(1.0), atol=1e-3) for a, s in zip(adv.view(-1, g), std,
                                                                                    strict=True) if s > 1e-2)


def test_gradient_accumulation_equals_one_batch():
    g = torch.Generator().manual_seed(0)
    lp = -torch.rand(8, 5, generator=g)
    m = torch.rand(8, 5, generator=g) < 0.7
    whole = lp.clone().requires_grad_(True)
    sft_microbatch_train_step(whole, m, 1, 2.0)
    parts = lp.clone().requires_grad_(True)
    for s in (slice(0, 4), slice(4, 8)):
        sft_microbatch_train_step(parts[s], m[s], 2, 2.0)
    assert torch.allclose(whole.grad, parts.grad)


@SETTINGS
@given(st.integers(0, 2**31 - 1), st.floats(0.01, 0.5))
def test_clip_loss_is_reinforce_at_ratio_one(seed, clip):
    g = torch.Generator().manual_seed(seed)
    lp, a = -torch.rand(3, 4, generator=g), torch.randn(3, 1, generator=g)
    loss, meta = compute_grpo_clip_loss(a, lp, lp.clone(), clip)
    assert torch.allclose(loss, -a.expand(3, 4)) and not meta["clipped"].any()
    assert torch.allclose(compute_naive_policy_gradient_loss(a, lp), -a * lp)


def test_entropy_properties():
    z = torch.randn(4, 9)
    e = compute_entropy(z)
    assert torch.all(e >= 0) and torch.all(e <= math.log(9) + 1e-6)
    assert torch.allclose(compute_entropy(z + 1e4), e, atol=1e-2)


class Bigram(torch.nn.Module):
    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.table = torch.nn.Parameter(torch.randn(vocab, vocab, generator=torch.Generator().manual_seed(1)))

    def forward(self, ids):
        return self.table[ids]


def test_log_probs_against_cross_entropy():
    m = Bigram(11)
    ids = torch.randint(0, 11, (3, 6), generator=torch.Generator().manual_seed(2))
    out = get_response_log_probs(m, ids[:, :-1], ids[:, 1:], return_token_entropy=True)
    ce = torch.nn.functional.cross_entropy(m(ids[:, :-1]).reshape(-1, 11), ids[:, 1:].reshape(-1),
                                           reduction="none").view(3, 5)
    assert torch.allclose(out["log_probs"], -ce, atol=1e-6)


class Tok:
    pad_token_id, eos_token_id = 0, 1

    def encode(self, text):
        return [2 + (ord(c) % 9) for c in text]


def test_tokenize_shapes_and_mask_counts():
    out = tokenize_prompt_and_output(["abc", "d"], ["ef", "ghij"], Tok())
    assert out["input_ids"].shape == out["labels"].shape == out["response_mask"].shape == (2, 4)
    assert out["response_mask"].sum(-1).tolist() == [2, 4]


def test_dpo_step_raises_the_chosen_margin():
    torch.manual_seed(0)
    lm, ref = Bigram(11), Bigram(11)
    opt = torch.optim.SGD(lm.parameters(), lr=0.5)
    losses = []
    for _ in range(5):
        loss = per_instance_dpo_loss(lm, ref, Tok(), 0.5, "ab", "cd", "ef")
        losses.append(float(loss.detach()))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert losses[0] == np.float32(losses[0]) and math.isclose(losses[0], math.log(2), rel_tol=1e-5)
    assert losses[-1] < losses[0]


def test_grpo_steps_raise_the_rewarded_action():
    """A categorical policy over 6 actions, reward 1 for action 3: group-normalised advantages and the GRPO step
    (both loss types) drive p(3) from 1/6 towards 1 (the sign and the reductions point the right way)."""
    from a5_alignment.pg_losses import grpo_microbatch_train_step

    for loss_type in ("reinforce_with_baseline", "grpo_clip"):
        g = torch.Generator().manual_seed(0)
        logits = torch.zeros(6, requires_grad=True)
        opt = torch.optim.SGD([logits], lr=0.5)
        for _ in range(40):
            with torch.no_grad():
                acts = torch.multinomial(logits.softmax(-1), 16, replacement=True, generator=g)  # 4 groups of 4
            table = {str(i): float(a == 3) for i, a in enumerate(acts.tolist())}
            adv, _, _ = compute_group_normalized_rewards(lambda r, t, tb=table: {"reward": tb[r]}, list(table),
                                                         ["t"] * 16, 4, 1e-6, True)
            lp = logits.log_softmax(-1)[acts][:, None]  # (16, 1): one response token each
            grpo_microbatch_train_step(lp, torch.ones(16, 1, dtype=torch.bool), 1, loss_type,
                                       advantages=adv[:, None], old_log_probs=lp.detach(), cliprange=0.2)
            opt.step()
            opt.zero_grad()
        assert logits.softmax(-1)[3] > 0.8, loss_type
