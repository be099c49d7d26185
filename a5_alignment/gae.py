"""PPO's per-token rewards and advantages for a language model (HANDOUT.md §10.1-§10.2): the verifier's score on
the last response token plus an optional KL penalty to the reference policy on every response token, generalized
advantage estimation (Schulman et al., 2016) over each row's response, and masked whitening.

Rows are laid out as tokenize_prompt_and_output makes them: (batch, seq), prompt tokens first (masked out), then
the response (one contiguous run of True in response_mask), then padding (masked out).
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check_same_shape(**tensors: Tensor | None) -> None:
    shapes = {k: tuple(v.shape) for k, v in tensors.items() if v is not None}
    if len(set(shapes.values())) > 1:
        raise ValueError(f"these tensors must all have the same (batch, seq) shape: {shapes}")
    for k, s in shapes.items():
        if len(s) != 2:
            raise ValueError(f"{k} must be 2-D (batch, seq), got shape {s}")


def shape_rewards(scores: Tensor, response_mask: Tensor, policy_log_probs: Tensor | None = None,
                  ref_log_probs: Tensor | None = None, kl_coef: float = 0.0) -> Tensor:
    """Per-token rewards (batch, seq) float32 from one score per row (batch,):

        r_t = -kl_coef * (policy_log_probs_t - ref_log_probs_t)   at every response token
        r_t += scores[b]                                           at the row's LAST response token
        r_t = 0                                                    outside the response

    With kl_coef == 0 the log-probs may be None. A row without response tokens gets zeros. No gradient flows
    (the inputs are detached). Raises ValueError on shape mismatches, kl_coef < 0, or kl_coef > 0 without both
    log-prob tensors.
    """
    # BEGIN SOLUTION
    if kl_coef < 0:
        raise ValueError(f"kl_coef must be >= 0, got {kl_coef}")
    if kl_coef > 0 and (policy_log_probs is None or ref_log_probs is None):
        raise ValueError("kl_coef > 0 needs policy_log_probs and ref_log_probs (batch, seq)")
    _check_same_shape(response_mask=response_mask, policy_log_probs=policy_log_probs, ref_log_probs=ref_log_probs)
    if scores.dim() != 1 or scores.shape[0] != response_mask.shape[0]:
        raise ValueError(f"scores must be (batch,) = ({response_mask.shape[0]},), got {tuple(scores.shape)}")
    m = response_mask.bool()
    rewards = torch.zeros(m.shape, dtype=torch.float32, device=m.device)
    if kl_coef > 0:
        kl = (policy_log_probs.detach() - ref_log_probs.detach()).float()  # type: ignore[union-attr]
        rewards = torch.where(m, -kl_coef * kl, rewards)
    seq = m.shape[1]
    # index of the last True per row: the largest position index among the masked ones
    pos = torch.arange(seq, device=m.device).expand_as(m)
    last = torch.where(m, pos, -1).max(dim=1).values  # (batch,), -1 for an empty response
    rows = torch.nonzero(last >= 0).squeeze(-1)
    rewards[rows, last[rows]] += scores.detach().float()[rows]
    return rewards
    # END SOLUTION


def compute_gae(rewards: Tensor, values: Tensor, response_mask: Tensor, gamma: float,
                lam: float) -> tuple[Tensor, Tensor]:
    """Generalized advantage estimation over each row's response tokens, backwards in time:

        delta_t = r_t + gamma * V_{t+1} - V_t          (V after the last response token is 0)
        A_t     = delta_t + gamma * lam * A_{t+1}      (A after the last response token is 0)
        R_t     = A_t + V_t                            (the value target, "returns")

    rewards, values, response_mask (batch, seq); every row's response is one contiguous run of mask positions,
    which may start anywhere (after the prompt) and end anywhere (before the padding). Values and rewards outside
    the mask are ignored, whatever they hold (even inf or NaN), and never bootstrap into the response. Returns
    (advantages, returns), both (batch, seq) float32, 0 outside the mask, with no gradient (values are detached).
    Raises ValueError when shapes differ or gamma or lam lies outside [0, 1].
    """
    # BEGIN SOLUTION
    for name, x in (("gamma", gamma), ("lam", lam)):
        if not 0.0 <= x <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {x}")
    _check_same_shape(rewards=rewards, values=values, response_mask=response_mask)
    m = response_mask.bool()
    r = torch.where(m, rewards.detach().float(), 0.0)
    v = torch.where(m, values.detach().float(), 0.0)
    adv = torch.zeros_like(v)
    next_value = torch.zeros_like(v[:, 0])  # V_{t+1}; 0 after the last response token
    next_adv = torch.zeros_like(v[:, 0])
    for t in range(v.shape[1] - 1, -1, -1):
        delta = r[:, t] + gamma * next_value - v[:, t]
        a = delta + gamma * lam * next_adv
        # subtle: outside the response the carry resets to 0, so padding never bootstraps into the last token
        adv[:, t] = torch.where(m[:, t], a, 0.0)
        next_value, next_adv = v[:, t], adv[:, t]
    return adv, torch.where(m, adv + v, 0.0)
    # END SOLUTION


def masked_whiten(x: Tensor, mask: Tensor, eps: float = 1e-8) -> Tensor:
    """(x - mean) / sqrt(var + eps) with the mean and the population variance (divide by the count) over the
    masked positions of the whole tensor; 0 outside the mask. Values outside the mask never matter."""
    # BEGIN SOLUTION
    if x.shape != mask.shape:
        raise ValueError(f"x {tuple(x.shape)} and mask {tuple(mask.shape)} must have the same shape")
    m = mask.bool()
    kept = torch.where(m, x, 0.0)
    n = m.sum()
    mean = kept.sum() / n
    var = torch.where(m, (x - mean) ** 2, 0.0).sum() / n
    return torch.where(m, (x - mean) * torch.rsqrt(var + eps), 0.0)
    # END SOLUTION
