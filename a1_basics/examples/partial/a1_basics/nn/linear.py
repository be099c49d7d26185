import math

import torch
import torch.nn as nn


class Linear(nn.Module):
    def __init__(self, d_in, d_out, device=None, dtype=None):
        super().__init__()
        sigma = math.sqrt(2 / (d_in + d_out))
        w = torch.empty((d_out, d_in), device=device, dtype=dtype)
        nn.init.trunc_normal_(w, mean=0.0, std=sigma, a=-3 * sigma, b=3 * sigma)
        self.weight = nn.Parameter(w)

    def forward(self, x):
        # weight is stored (out, in) so we need the transpose
        return x @ self.weight.T
