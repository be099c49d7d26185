"""GAE accumulated forwards in time (A_t = delta_t + gamma lam A_{t-1}) instead of backwards."""

import torch

UNIT = "a5.gae"
TARGET = "compute_gae"


def MUTANT(rewards, values, response_mask, gamma, lam):
    m = response_mask.bool()
    r = torch.where(m, rewards.detach().float(), 0.0)
    v = torch.where(m, values.detach().float(), 0.0)
    nxt = torch.zeros_like(v)
    nxt[:, :-1] = v[:, 1:]
    delta = torch.where(m, r + gamma * nxt - v, 0.0)
    adv = torch.zeros_like(v)
    prev = torch.zeros_like(v[:, 0])
    for t in range(v.shape[1]):
        prev = torch.where(m[:, t], delta[:, t] + gamma * lam * prev, 0.0)
        adv[:, t] = prev
    return adv, torch.where(m, adv + v, 0.0)
