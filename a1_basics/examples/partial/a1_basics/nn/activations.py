import torch
import torch.nn as nn

from a1_basics.nn.linear import Linear


def silu(x):
    return x * torch.sigmoid(x)


def softmax(x, dim):
    # subtract the max for stability
    biggest = torch.max(x, dim=dim, keepdim=True).values
    e = torch.exp(x - biggest)
    return e / torch.sum(e, dim=dim, keepdim=True)


class SwiGLU(nn.Module):
    def __init__(self, d_model, d_ff, device=None, dtype=None):
        super().__init__()
        self.w1 = Linear(d_model, d_ff, device=device, dtype=dtype)
        self.w2 = Linear(d_ff, d_model, device=device, dtype=dtype)
        self.w3 = Linear(d_model, d_ff, device=device, dtype=dtype)

    def forward(self, x):
        gate = silu(self.w3(x))
        return self.w2(self.w1(x) * gate)
