"""GAE that bootstraps from V_{t+1} whatever it is: the last response token sees the value of the first pad
position (t = seq - 1 still gets 0)."""

import torch

UNIT = "a5.gae"
TARGET = "compute_gae"


def MUTANT(rewards, values, response_mask, gamma, lam):
    m = response_mask.bool()
    r, v = rewards.detach().float(), values.detach().float()
    adv = torch.zeros_like(v)
    next_v, next_a = torch.zeros_like(v[:, 0]), torch.zeros_like(v[:, 0])
    for t in range(v.shape[1] - 1, -1, -1):
        a = r[:, t] + gamma * next_v - v[:, t] + gamma * lam * next_a
        adv[:, t] = torch.where(m[:, t], a, 0.0)
        next_v, next_a = v[:, t], adv[:, t]
    return adv, torch.where(m, adv + v, 0.0)
