"""FlashAttention-2 in plain PyTorch: tiled forward with an online softmax, recomputing backward (HANDOUT §3.1).

Naive equivalent (what the tests compare against, in float64):

    S = Q @ K^T / sqrt(d)            (..., n_q, n_k), with S[i, j] = -inf where is_causal and j > i
    P = softmax(S, dim=-1);  O = P @ V;  L = logsumexp(S, dim=-1)

Here no (n_q, n_k) matrix ever exists: queries and keys are cut into tiles of Q_TILE x K_TILE, each query tile
keeps a running max m, a running denominator l and an unnormalised output, rescaled as larger scores arrive
(Dao 2023, Algorithm 1). The autograd context keeps exactly L (the row logsumexp, (..., n_q)), Q, K, V and O;
the backward recomputes each tile of P = exp(S - L) from them (Algorithm 2), with D = rowsum(dO * O).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

Q_TILE = 32  # query rows per tile (Bq >= 16)
K_TILE = 32  # key rows per tile (Bk >= 16)


def check_attention_inputs(Q: Tensor, K: Tensor, V: Tensor, is_causal: bool) -> None:
    """Raise a clear ValueError/TypeError for inputs attention cannot take. Q (..., n_q, d), K (..., n_k, d),
    V (..., n_k, d_v): same leading dims, dtype and device; is_causal needs n_q == n_k."""
    for name, t in (("Q", Q), ("K", K), ("V", V)):
        if not isinstance(t, Tensor):
            raise TypeError(f"FlashAttention: {name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() < 3:
            raise ValueError(f"FlashAttention: {name} must have shape (batch, seq, d) or more leading dims, "
                             f"got shape {tuple(t.shape)}")
        if not t.is_floating_point():
            raise TypeError(f"FlashAttention: {name} must be a floating-point tensor, got {t.dtype}")
    if not (Q.dtype == K.dtype == V.dtype):
        raise TypeError(f"FlashAttention: Q, K, V must share one dtype, got {Q.dtype}, {K.dtype}, {V.dtype}")
    if not (Q.device == K.device == V.device):
        raise ValueError(f"FlashAttention: Q, K, V must be on one device, got {Q.device}, {K.device}, {V.device}")
    if not (Q.shape[:-2] == K.shape[:-2] == V.shape[:-2]):
        raise ValueError(f"FlashAttention: Q, K, V must share their leading (batch) dims, got {tuple(Q.shape)}, "
                         f"{tuple(K.shape)}, {tuple(V.shape)}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(f"FlashAttention: K and V need the same number of keys, got {K.shape[-2]} and "
                         f"{V.shape[-2]}")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(f"FlashAttention: Q and K need the same head dim, got {Q.shape[-1]} and {K.shape[-1]}")
    if Q.shape[-2] == 0 or K.shape[-2] == 0 or Q.shape[-1] == 0:
        raise ValueError(f"FlashAttention: empty sequence or head dim: Q {tuple(Q.shape)}, K {tuple(K.shape)}")
    if is_causal and Q.shape[-2] != K.shape[-2]:
        raise ValueError(f"FlashAttention: is_causal=True needs n_queries == n_keys (query i sees keys 0..i), got "
                         f"{Q.shape[-2]} queries and {K.shape[-2]} keys")


def _accumulation_dtype(dtype: torch.dtype) -> torch.dtype:
    # float64 stays float64 (for precise checks); everything else accumulates in float32
    return torch.float64 if dtype == torch.float64 else torch.float32


def flash_forward(Q: Tensor, K: Tensor, V: Tensor, is_causal: bool = False, q_tile: int = Q_TILE,
                  k_tile: int = K_TILE) -> tuple[Tensor, Tensor]:
    """Q (b, n_q, d), K (b, n_k, d), V (b, n_k, d_v) -> O (b, n_q, d_v) in Q's dtype and L (b, n_q) in the
    accumulation dtype (float32, or float64 for float64 inputs)."""
    # BEGIN SOLUTION
    b, n_q, d = Q.shape
    n_k, d_v = K.shape[1], V.shape[2]
    acc_dtype = _accumulation_dtype(Q.dtype)
    scale = 1.0 / math.sqrt(d)
    out = torch.empty(b, n_q, d_v, dtype=Q.dtype, device=Q.device)
    L = torch.empty(b, n_q, dtype=acc_dtype, device=Q.device)
    for q0 in range(0, n_q, q_tile):
        q1 = min(q0 + q_tile, n_q)
        Qi = Q[:, q0:q1].to(acc_dtype) * scale  # (b, Bq, d)
        m = torch.full((b, q1 - q0), -math.inf, dtype=acc_dtype, device=Q.device)  # running row max
        ell = torch.zeros(b, q1 - q0, dtype=acc_dtype, device=Q.device)  # running sum of exp(S - m)
        acc = torch.zeros(b, q1 - q0, d_v, dtype=acc_dtype, device=Q.device)  # unnormalised output
        # causal: key tiles that start after this tile's last query are all masked, so they are skipped
        k_end = q1 if is_causal else n_k
        for k0 in range(0, k_end, k_tile):
            k1 = min(k0 + k_tile, n_k)
            S = Qi @ K[:, k0:k1].to(acc_dtype).transpose(1, 2)  # (b, Bq, Bk)
            if is_causal and k1 > q0 + 1:  # the tile crosses the diagonal
                rows = torch.arange(q0, q1, device=Q.device)[:, None]
                cols = torch.arange(k0, k1, device=Q.device)[None, :]
                S = S.masked_fill(cols > rows, -math.inf)
            m_new = torch.maximum(m, S.amax(dim=-1))
            # subtle: every row sees key 0 in its first tile, so m_new is finite and exp(-inf - m_new) = 0
            P = torch.exp(S - m_new[..., None])
            alpha = torch.exp(m - m_new)  # rescales what was accumulated under the old max
            ell = alpha * ell + P.sum(dim=-1)
            acc = alpha[..., None] * acc + P @ V[:, k0:k1].to(acc_dtype)
            m = m_new
        out[:, q0:q1] = (acc / ell[..., None]).to(Q.dtype)
        L[:, q0:q1] = m + torch.log(ell)
    return out, L
    # END SOLUTION


def flash_backward(Q: Tensor, K: Tensor, V: Tensor, out: Tensor, L: Tensor, dO: Tensor, is_causal: bool = False,
                   q_tile: int = Q_TILE, k_tile: int = K_TILE) -> tuple[Tensor, Tensor, Tensor]:
    """Gradients of the attention output by recomputation, one (Bq, Bk) tile of P at a time.
    Q (b, n_q, d), K (b, n_k, d), V (b, n_k, d_v), out (= O) and dO (b, n_q, d_v), L (b, n_q) -> dQ, dK, dV."""
    # BEGIN SOLUTION
    b, n_q, d = Q.shape
    n_k = K.shape[1]
    acc_dtype = _accumulation_dtype(Q.dtype)
    scale = 1.0 / math.sqrt(d)
    D = (dO.to(acc_dtype) * out.to(acc_dtype)).sum(dim=-1)  # (b, n_q): rowsum(dO * O) = rowsum(P * dP)
    dQ = torch.zeros(b, n_q, d, dtype=acc_dtype, device=Q.device)
    dK = torch.zeros(b, n_k, d, dtype=acc_dtype, device=Q.device)
    dV = torch.zeros(b, n_k, V.shape[2], dtype=acc_dtype, device=Q.device)
    for k0 in range(0, n_k, k_tile):
        k1 = min(k0 + k_tile, n_k)
        Kj, Vj = K[:, k0:k1].to(acc_dtype), V[:, k0:k1].to(acc_dtype)
        # causal: query tiles that end before this key tile's first key see none of it
        q_start = (k0 // q_tile) * q_tile if is_causal else 0
        for q0 in range(q_start, n_q, q_tile):
            q1 = min(q0 + q_tile, n_q)
            Qi, dOi = Q[:, q0:q1].to(acc_dtype), dO[:, q0:q1].to(acc_dtype)
            S = (Qi @ Kj.transpose(1, 2)) * scale  # (b, Bq, Bk)
            P = torch.exp(S - L[:, q0:q1, None])  # the softmax, recomputed from the saved logsumexp
            if is_causal and k1 > q0 + 1:
                rows = torch.arange(q0, q1, device=Q.device)[:, None]
                cols = torch.arange(k0, k1, device=Q.device)[None, :]
                P = P.masked_fill(cols > rows, 0.0)
            dV[:, k0:k1] += P.transpose(1, 2) @ dOi
            dP = dOi @ Vj.transpose(1, 2)  # (b, Bq, Bk)
            dS = P * (dP - D[:, q0:q1, None])
            dQ[:, q0:q1] += (dS @ Kj) * scale
            dK[:, k0:k1] += (dS.transpose(1, 2) @ Qi) * scale
    return dQ.to(Q.dtype), dK.to(K.dtype), dV.to(V.dtype)
    # END SOLUTION


class FlashAttentionPytorch(torch.autograd.Function):
    """softmax(Q K^T / sqrt(d)) V, tiled. Q (..., n_q, d), K (..., n_k, d), V (..., n_k, d_v) -> (..., n_q, d_v).
    Leading dims are flattened into one batch dim. Saves exactly (L, Q, K, V, O) for the backward, with
    L (..., n_q) the logsumexp of each row of scaled scores."""

    @staticmethod
    def forward(ctx, Q: Tensor, K: Tensor, V: Tensor, is_causal: bool = False) -> Tensor:
        # BEGIN SOLUTION
        check_attention_inputs(Q, K, V, is_causal)
        lead = Q.shape[:-2]
        q3, k3, v3 = (t.reshape(-1, *t.shape[-2:]) for t in (Q, K, V))
        out, L = flash_forward(q3, k3, v3, bool(is_causal))
        out, L = out.reshape(*lead, *out.shape[-2:]), L.reshape(*lead, L.shape[-1])
        ctx.save_for_backward(L, Q, K, V, out)
        ctx.is_causal = bool(is_causal)
        return out
        # END SOLUTION

    @staticmethod
    def backward(ctx, dO: Tensor) -> tuple[Tensor, Tensor, Tensor, None]:
        # BEGIN SOLUTION
        L, Q, K, V, out = ctx.saved_tensors
        flat = [t.reshape(-1, *t.shape[-2:]) for t in (Q, K, V, out, dO)]
        dQ, dK, dV = flash_backward(*flat[:4], L.reshape(-1, L.shape[-1]), flat[4], ctx.is_causal)
        return dQ.reshape(Q.shape), dK.reshape(K.shape), dV.reshape(V.shape), None
        # END SOLUTION
