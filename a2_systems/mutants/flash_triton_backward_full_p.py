"""Triton FlashAttention whose backward recomputes the whole attention matrix P in PyTorch instead of in tiles.

Gradients are right; memory is quadratic again (at n = 16384 and 16 heads, P alone is 16 GiB in float32)."""

import math

import torch

from a2_systems.flash.flash_triton import FlashAttentionTriton

UNIT = "a2.flash_triton_backward"
TARGET = "FlashAttentionTriton"


class MUTANT(FlashAttentionTriton):
    @staticmethod
    def backward(ctx, dO):
        L, Q, K, V, out = ctx.saved_tensors
        scale = 1.0 / math.sqrt(Q.shape[-1])
        P = torch.exp(Q @ K.transpose(-1, -2) * scale - L[..., None])  # (batch, n_q, n_k): the whole matrix
        if ctx.is_causal:
            P = P.masked_fill(torch.ones(P.shape[-2:], dtype=torch.bool, device=P.device).triu(1), 0.0)
        dP = dO @ V.transpose(-1, -2)
        dS = P * (dP - (dO * out).sum(-1, keepdim=True))
        return dS @ K * scale, dS.transpose(-1, -2) @ Q * scale, P.transpose(-1, -2) @ dO, None
