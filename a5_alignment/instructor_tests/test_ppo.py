"""The optional PPO units (HANDOUT §10) against closed forms and properties, a PPO step that learns a toy
two-token bandit, and the PPO experiment and the PPO-vs-GRPO driver end to end on their tiny presets."""

import json

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from a5_alignment import cs336_adapters as ad
from a5_alignment.gae import compute_gae, masked_whiten, shape_rewards
from a5_alignment.ppo_losses import compute_value_loss, ppo_microbatch_train_step
from a5_alignment.value_head import PolicyWithValue

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None)


def rows(seed: int, b: int, t: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Random rewards and values with a contiguous response per row (prompt before it, padding after it)."""
    g = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, t, (b,), generator=g)
    ends = starts + 1 + (torch.rand(b, generator=g) * (t - starts)).long().clamp(max=t - 1 - starts)
    pos = torch.arange(t)
    mask = (pos >= starts[:, None]) & (pos < ends[:, None])
    return torch.randn(b, t, generator=g), torch.randn(b, t, generator=g), mask


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 8), st.integers(0, 2**31 - 1), st.floats(0.0, 1.0))
def test_gae_limits(b, t, seed, gamma):
    """lam = 0 is the one-step TD error; lam = 1 is the discounted return to the end of the response minus V."""
    r, v, m = rows(seed, b, t)
    td, _ = compute_gae(r, v, m, gamma, 0.0)
    mc, ret = compute_gae(r, v, m, gamma, 1.0)
    for i in range(b):
        idx = m[i].nonzero().squeeze(-1).tolist()
        for j, k in enumerate(idx):
            nxt = v[i, idx[j + 1]] if j + 1 < len(idx) else 0.0
            assert torch.isclose(td[i, k], r[i, k] + gamma * nxt - v[i, k], atol=1e-5)
            g_t = sum(gamma ** (u - j) * r[i, idx[u]] for u in range(j, len(idx)))
            assert torch.isclose(mc[i, k], g_t - v[i, k], atol=1e-4)
            assert torch.isclose(ret[i, k], torch.as_tensor(g_t, dtype=torch.float32), atol=1e-4)
    assert (td[~m] == 0).all() and (mc[~m] == 0).all() and (ret[~m] == 0).all()


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_gae_ignores_everything_outside_the_response(b, t, seed):
    r, v, m = rows(seed, b, t)
    a1, r1 = compute_gae(r, v, m, 0.9, 0.8)
    a2, r2 = compute_gae(r.masked_fill(~m, float("inf")), v.masked_fill(~m, float("nan")), m, 0.9, 0.8)
    assert torch.equal(a1, a2) and torch.equal(r1, r2)


def test_sparse_terminal_reward_with_zero_values():
    """gamma = 1, V = 0, the score on the last token: every response token's advantage is lam^(steps to go)."""
    m = torch.tensor([[False, True, True, True, False]])
    r = shape_rewards(torch.tensor([2.0]), m)
    adv, ret = compute_gae(r, torch.zeros(1, 5), m, 1.0, 0.5)
    assert torch.allclose(adv[0, 1:4], torch.tensor([0.5, 1.0, 2.0]))
    assert torch.equal(adv, ret)


def test_whitened_advantages_have_zero_mean_unit_variance():
    r, v, m = rows(3, 6, 9)
    w = masked_whiten(r * 5 + 2, m)
    assert abs(float(w[m].mean())) < 1e-5 and abs(float(w[m].var(unbiased=False)) - 1) < 1e-4
    assert (w[~m] == 0).all()


def test_value_loss_clipping_stops_the_gradient_on_the_clipped_side():
    """V far above old + c and above the return: the clipped error is larger, so the loss is flat in V."""
    v = torch.tensor([[3.0, 0.1]], requires_grad=True)
    loss, meta = compute_value_loss(v, torch.zeros(1, 2), torch.tensor([[-1.0, 1.0]]), torch.ones(1, 2, dtype=bool),
                                    0.2)
    loss.backward()
    assert meta["clipped"].tolist() == [[False, False]]  # t=0: (3+1)^2 = 16 > (0.2+1)^2; t=1 inside the range
    v2 = torch.tensor([[0.5]], requires_grad=True)  # clipped to 0.2; return 3: (0.2-3)^2 > (0.5-3)^2
    loss2, meta2 = compute_value_loss(v2, torch.zeros(1, 1), torch.tensor([[3.0]]), torch.ones(1, 1, dtype=bool), 0.2)
    loss2.backward()
    assert meta2["clipped"].item() and v2.grad.item() == 0.0
    assert torch.isclose(loss2, torch.tensor(0.5 * 2.8**2))


def test_gradient_accumulation_equals_one_batch_at_equal_token_counts():
    g = torch.Generator().manual_seed(0)
    lp, old, v, ov, adv, ret = (torch.randn(4, 5, generator=g) for _ in range(6))
    m = torch.ones(4, 5, dtype=torch.bool)
    grads = []
    for parts in ((slice(0, 4),), (slice(0, 2), slice(2, 4))):
        x, y = lp.clone().requires_grad_(True), v.clone().requires_grad_(True)
        for s in parts:
            ppo_microbatch_train_step(x[s], y[s], m[s], old[s], ov[s], adv[s], ret[s], len(parts), 0.2, 0.2, 0.5)
        grads.append((x.grad, y.grad))
    assert torch.allclose(grads[0][0], grads[1][0], atol=1e-6) and torch.allclose(grads[0][1], grads[1][1], atol=1e-6)


def test_ppo_learns_a_two_token_bandit():
    """Two tokens per response from position-wise categorical policies; reward 1 iff the second token is 3. The
    PPO step with GAE on a learned per-position value drives p(token 3 at position 2) towards 1, and the value of
    position 2 towards the mean reward."""
    g = torch.Generator().manual_seed(0)
    logits = torch.zeros(2, 6, requires_grad=True)
    value = torch.zeros(2, requires_grad=True)
    opt = torch.optim.Adam([logits, value], lr=0.1)
    m = torch.ones(32, 2, dtype=torch.bool)
    for _ in range(60):
        with torch.no_grad():
            acts = torch.multinomial(logits.softmax(-1), 32, replacement=True, generator=g).T  # (32, 2)
            old_lp = logits.log_softmax(-1).gather(-1, acts.T).T
            old_v = value.expand(32, 2).clone()
            rew = shape_rewards((acts[:, 1] == 3).float(), m)
            adv, ret = compute_gae(rew, old_v, m, 1.0, 0.95)
            adv = masked_whiten(adv, m)
        for _ in range(2):
            lp = logits.log_softmax(-1).gather(-1, acts.T).T
            ppo_microbatch_train_step(lp, value.expand(32, 2), m, old_lp, old_v, adv, ret, 1, 0.2, 10.0, 1.0)
            opt.step()
            opt.zero_grad()
    p, v = logits.detach().softmax(-1), value.detach()
    assert p[1, 3] > 0.9
    assert abs(float(v[1]) - float(p[1, 3])) < 0.15


def test_value_head_shares_the_trunk_and_starts_at_zero(one_thread):
    from a5_alignment.infra.models import new_tiny_model, tiny_config

    lm = new_tiny_model(tiny_config(context_length=16, d_model=32, num_layers=1, num_heads=2, d_ff=64))
    pv = PolicyWithValue(lm)
    ids = torch.randint(0, 20, (3, 9))
    logits, values = pv(ids)
    assert torch.equal(logits, lm(ids)) and values.shape == (3, 9) and (values == 0).all()
    assert sum(p.numel() for p in pv.parameters()) == sum(p.numel() for p in lm.parameters()) + 33


def test_adapters_call_through():
    m = torch.tensor([[True, True]])
    r = ad.run_shape_rewards(torch.tensor([1.0]), m)
    adv, ret = ad.run_compute_gae(r, torch.zeros(1, 2), m, 1.0, 1.0)
    assert adv.tolist() == [[1.0, 1.0]]
    v = torch.zeros(1, 2, requires_grad=True)
    assert torch.isclose(ad.run_compute_value_loss(v, torch.zeros(1, 2), ret, m, 0.2), torch.tensor(0.5))
    loss, meta = ad.run_ppo_microbatch_train_step(torch.zeros(1, 2, requires_grad=True), v, m, torch.zeros(1, 2),
                                                  torch.zeros(1, 2), adv, ret, 1, 0.2, 0.2, 1.0)
    assert torch.isclose(loss, torch.tensor(-1.0 + 0.5)) and float(meta["clip_fraction"]) == 0.0


def test_ppo_vs_grpo_tiny_preset(tmp_path, one_thread):
    from a5_alignment.experiments import ppo_vs_grpo

    ppo_vs_grpo.main(["--preset", "tiny", "--init-checkpoint", "", "--out-dir", str(tmp_path)])
    comparison = json.loads((tmp_path / "comparison.json").read_text())
    assert set(comparison["results"]) == {"grpo", "ppo"} and "| ppo |" in comparison["table"]
    log = json.loads((tmp_path / "ppo" / "log.json").read_text())
    assert log["results"]["ppo_steps"] == 2 and (tmp_path / "ppo" / "policy.pt").exists()
    assert (tmp_path / "ppo" / "value_head.pt").exists() and (tmp_path / "ppo" / "curves.png").exists()
    steps = [r for r in log["records"] if "value_loss" in r]
    assert steps and all(np.isfinite(r["value_loss"]) and r["approx_kl"] == r["approx_kl"] for r in steps)
    # equal compute: PPO copied GRPO's rollout and batch settings
    g, p = json.loads((tmp_path / "grpo" / "log.json").read_text())["config"], log["config"]
    for k in ("rollout_batch_size", "group_size", "train_batch_size", "grad_accum", "lr", "max_new_tokens"):
        assert g[k] == p[k], k
