"""FlashAttention-2 in Triton: a forward kernel with causal tile skipping and a two-kernel backward
(HANDOUT §3.2, §3.3). Same contract as flash_pytorch.FlashAttentionPytorch; the naive equivalent is
softmax(Q K^T / sqrt(d)) V with L = logsumexp of each row of scaled scores.

- forward: grid (query tiles, batch); one program loads its Q tile once and loops over key tiles with an online
  softmax in float32, then writes its O tile and L = m + log(l). Causal: the loop stops after the tile holding
  the diagonal, so about half the key tiles are never read.
- backward: D = rowsum(dO * O) first; then one kernel per key tile accumulates dK, dV over the query tiles that
  can see it, and one kernel per query tile accumulates dQ over its key tiles. Two kernels need no atomics, so
  the result is deterministic; each recomputes P = exp(S - L) one tile at a time.

Plain pointer arithmetic (tl.arange offsets and masks) throughout: block pointers are gone in triton 3.9.
Under TRITON_INTERPRET=1 (no GPU; a2_systems sets it) the kernels run on CPU tensors, float32 only.
"""

from __future__ import annotations

import math
import os

import torch
import triton
import triton.language as tl
from torch import Tensor

from a2_systems.flash.flash_pytorch import check_attention_inputs

# subtle: the interpreter pays per loop iteration, a GPU per tile size that misfits its cores: tiles differ
INTERPRET_TILES = (32, 32)  # (Bq, Bk) under TRITON_INTERPRET=1
GPU_FORWARD_TILES = (128, 64)
GPU_BACKWARD_TILES = (64, 64)
LOG2E = 1.4426950408889634  # exp(x) = exp2(x * log2(e)): exp2 is the cheaper instruction


def interpreting() -> bool:
    """True when kernels run in Triton's CPU interpreter (decided by a2_systems/__init__.py at import)."""
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


# BEGIN SOLUTION ONLY
@triton.jit
def flash_fwd_kernel(
    Q_ptr, K_ptr, V_ptr, O_ptr, L_ptr,
    stride_qb, stride_qn, stride_qd,
    stride_kb, stride_kn, stride_kd,
    stride_vb, stride_vn, stride_vd,
    stride_ob, stride_on, stride_od,
    stride_lb, stride_ln,
    N_QUERIES, N_KEYS, D, qk_scale,
    IS_CAUSAL: tl.constexpr, Q_TILE: tl.constexpr, K_TILE: tl.constexpr, D_BLOCK: tl.constexpr,
    DOT_PRECISION: tl.constexpr,
):
    """One (query tile, batch) program. Q (b, n_q, d), K/V (b, n_k, d) -> O (b, n_q, d), L (b, n_q).
    qk_scale = log2(e) / sqrt(d): scores live in base 2 until L is written."""
    qt = tl.program_id(0)
    b = tl.program_id(1)
    offs_q = qt * Q_TILE + tl.arange(0, Q_TILE)
    offs_d = tl.arange(0, D_BLOCK)
    q_ok = offs_q < N_QUERIES
    d_ok = offs_d < D
    q = tl.load(Q_ptr + b * stride_qb + offs_q[:, None] * stride_qn + offs_d[None, :] * stride_qd,
                mask=q_ok[:, None] & d_ok[None, :], other=0.0)  # (Q_TILE, D_BLOCK)
    m = tl.full([Q_TILE], float("-inf"), dtype=tl.float32)  # running row max (base 2)
    ell = tl.zeros([Q_TILE], dtype=tl.float32)  # running sum of exp2(s - m)
    acc = tl.zeros([Q_TILE, D_BLOCK], dtype=tl.float32)  # unnormalised output
    k_end = N_KEYS
    if IS_CAUSAL:
        # key tiles that start after this tile's last query are fully masked: never visit them
        k_end = tl.minimum((qt + 1) * Q_TILE, N_KEYS)
    for k0 in range(0, k_end, K_TILE):
        offs_k = k0 + tl.arange(0, K_TILE)
        k_ok = offs_k < N_KEYS
        kv_mask = k_ok[:, None] & d_ok[None, :]
        k = tl.load(K_ptr + b * stride_kb + offs_k[:, None] * stride_kn + offs_d[None, :] * stride_kd,
                    mask=kv_mask, other=0.0)  # (K_TILE, D_BLOCK)
        v = tl.load(V_ptr + b * stride_vb + offs_k[:, None] * stride_vn + offs_d[None, :] * stride_vd,
                    mask=kv_mask, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale  # (Q_TILE, K_TILE)
        keep = k_ok[None, :]
        if IS_CAUSAL:
            keep = keep & (offs_k[None, :] <= offs_q[:, None])
        s = tl.where(keep, s, float("-inf"))
        # subtle: key 0 is in every row's first tile (causal or not), so m_new is finite from the start
        m_new = tl.maximum(m, tl.max(s, axis=1))
        p = tl.exp2(s - m_new[:, None])
        alpha = tl.exp2(m - m_new)  # rescales what was accumulated under the old max
        ell = ell * alpha + tl.sum(p, axis=1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v, input_precision=DOT_PRECISION)
        m = m_new
    o = acc / ell[:, None]
    tl.store(O_ptr + b * stride_ob + offs_q[:, None] * stride_on + offs_d[None, :] * stride_od,
             o.to(O_ptr.dtype.element_ty), mask=q_ok[:, None] & d_ok[None, :])
    # back from base 2: logsumexp = ln(2) * (m + log2(l))
    tl.store(L_ptr + b * stride_lb + offs_q * stride_ln, (m + tl.log2(ell)) * 0.6931471805599453, mask=q_ok)


@triton.jit
def _recompute_p(q, k, lse, offs_q, offs_k, N_QUERIES, N_KEYS, qk_scale, IS_CAUSAL: tl.constexpr,
                 DOT_PRECISION: tl.constexpr):
    """P = exp(S - L) for one (Q_TILE, K_TILE) tile, zero outside the sequence and above the diagonal."""
    s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale
    p = tl.exp2(s - lse[:, None] * 1.4426950408889634)
    keep = (offs_q[:, None] < N_QUERIES) & (offs_k[None, :] < N_KEYS)
    if IS_CAUSAL:
        keep = keep & (offs_k[None, :] <= offs_q[:, None])
    return tl.where(keep, p, 0.0)


@triton.jit
def flash_bwd_dkdv_kernel(
    Q_ptr, K_ptr, V_ptr, dO_ptr, L_ptr, Dl_ptr, dK_ptr, dV_ptr,
    stride_b, stride_n, stride_d,  # shared by Q, dO (b, n_q, d) -- all made contiguous by the wrapper
    stride_kb, stride_kn, stride_kd,  # shared by K, V, dK, dV (b, n_k, d)
    stride_lb, stride_ln,  # shared by L and Dl (b, n_q)
    N_QUERIES, N_KEYS, D, scale, qk_scale,
    IS_CAUSAL: tl.constexpr, Q_TILE: tl.constexpr, K_TILE: tl.constexpr, D_BLOCK: tl.constexpr,
    DOT_PRECISION: tl.constexpr,
):
    """One (key tile, batch) program: dV = sum_i P_i^T dO_i and dK = scale * sum_i dS_i^T Q_i over query tiles."""
    kt = tl.program_id(0)
    b = tl.program_id(1)
    offs_k = kt * K_TILE + tl.arange(0, K_TILE)
    offs_d = tl.arange(0, D_BLOCK)
    kv_mask = (offs_k < N_KEYS)[:, None] & (offs_d < D)[None, :]
    kv_off = b * stride_kb + offs_k[:, None] * stride_kn + offs_d[None, :] * stride_kd
    k = tl.load(K_ptr + kv_off, mask=kv_mask, other=0.0)
    v = tl.load(V_ptr + kv_off, mask=kv_mask, other=0.0)
    dk = tl.zeros([K_TILE, D_BLOCK], dtype=tl.float32)
    dv = tl.zeros([K_TILE, D_BLOCK], dtype=tl.float32)
    q_start = 0
    if IS_CAUSAL:
        # query tiles that end before this key tile's first key cannot see it
        q_start = ((kt * K_TILE) // Q_TILE) * Q_TILE
    for q0 in range(q_start, N_QUERIES, Q_TILE):
        offs_q = q0 + tl.arange(0, Q_TILE)
        q_ok = offs_q < N_QUERIES
        qo_mask = q_ok[:, None] & (offs_d < D)[None, :]
        qo_off = b * stride_b + offs_q[:, None] * stride_n + offs_d[None, :] * stride_d
        q = tl.load(Q_ptr + qo_off, mask=qo_mask, other=0.0)
        do = tl.load(dO_ptr + qo_off, mask=qo_mask, other=0.0)
        lse = tl.load(L_ptr + b * stride_lb + offs_q * stride_ln, mask=q_ok, other=0.0)
        delta = tl.load(Dl_ptr + b * stride_lb + offs_q * stride_ln, mask=q_ok, other=0.0)
        p = _recompute_p(q, k, lse, offs_q, offs_k, N_QUERIES, N_KEYS, qk_scale, IS_CAUSAL, DOT_PRECISION)
        dv += tl.dot(tl.trans(p.to(do.dtype)), do, input_precision=DOT_PRECISION)
        dp = tl.dot(do, tl.trans(v), input_precision=DOT_PRECISION)
        ds = p * (dp - delta[:, None])
        dk += tl.dot(tl.trans(ds.to(q.dtype)), q, input_precision=DOT_PRECISION)
    tl.store(dK_ptr + kv_off, (dk * scale).to(dK_ptr.dtype.element_ty), mask=kv_mask)
    tl.store(dV_ptr + kv_off, dv.to(dV_ptr.dtype.element_ty), mask=kv_mask)


@triton.jit
def flash_bwd_dq_kernel(
    Q_ptr, K_ptr, V_ptr, dO_ptr, L_ptr, Dl_ptr, dQ_ptr,
    stride_b, stride_n, stride_d,  # shared by Q, dO, dQ
    stride_kb, stride_kn, stride_kd,  # shared by K, V
    stride_lb, stride_ln,
    N_QUERIES, N_KEYS, D, scale, qk_scale,
    IS_CAUSAL: tl.constexpr, Q_TILE: tl.constexpr, K_TILE: tl.constexpr, D_BLOCK: tl.constexpr,
    DOT_PRECISION: tl.constexpr,
):
    """One (query tile, batch) program: dQ = scale * sum_j dS_j K_j over the key tiles it can see."""
    qt = tl.program_id(0)
    b = tl.program_id(1)
    offs_q = qt * Q_TILE + tl.arange(0, Q_TILE)
    offs_d = tl.arange(0, D_BLOCK)
    q_ok = offs_q < N_QUERIES
    qo_mask = q_ok[:, None] & (offs_d < D)[None, :]
    qo_off = b * stride_b + offs_q[:, None] * stride_n + offs_d[None, :] * stride_d
    q = tl.load(Q_ptr + qo_off, mask=qo_mask, other=0.0)
    do = tl.load(dO_ptr + qo_off, mask=qo_mask, other=0.0)
    lse = tl.load(L_ptr + b * stride_lb + offs_q * stride_ln, mask=q_ok, other=0.0)
    delta = tl.load(Dl_ptr + b * stride_lb + offs_q * stride_ln, mask=q_ok, other=0.0)
    dq = tl.zeros([Q_TILE, D_BLOCK], dtype=tl.float32)
    k_end = N_KEYS
    if IS_CAUSAL:
        k_end = tl.minimum((qt + 1) * Q_TILE, N_KEYS)
    for k0 in range(0, k_end, K_TILE):
        offs_k = k0 + tl.arange(0, K_TILE)
        kv_mask = (offs_k < N_KEYS)[:, None] & (offs_d < D)[None, :]
        kv_off = b * stride_kb + offs_k[:, None] * stride_kn + offs_d[None, :] * stride_kd
        k = tl.load(K_ptr + kv_off, mask=kv_mask, other=0.0)
        v = tl.load(V_ptr + kv_off, mask=kv_mask, other=0.0)
        p = _recompute_p(q, k, lse, offs_q, offs_k, N_QUERIES, N_KEYS, qk_scale, IS_CAUSAL, DOT_PRECISION)
        dp = tl.dot(do, tl.trans(v), input_precision=DOT_PRECISION)
        ds = p * (dp - delta[:, None])
        dq += tl.dot(ds.to(k.dtype), k, input_precision=DOT_PRECISION)
    tl.store(dQ_ptr + qo_off, (dq * scale).to(dQ_ptr.dtype.element_ty), mask=qo_mask)


def _launch_config(d: int, dtype: torch.dtype, backward: bool) -> tuple[int, int, dict]:
    """(Q_TILE, K_TILE, the kernel's other launch keywords) for this head dim and dtype."""
    q_tile, k_tile = INTERPRET_TILES if interpreting() else (GPU_BACKWARD_TILES if backward else GPU_FORWARD_TILES)
    d_block = max(16, triton.next_power_of_2(d))  # tl.arange needs a power of two; tl.dot at least 16
    num_stages = 2 if backward else 3
    if not interpreting() and (d_block > 64 or dtype == torch.float32):
        # subtle: pipelined K/V tiles live in shared memory (~227 KB a block on Hopper): 3 stages of 64 x 128
        # float32 tiles do not fit. float32 is for exact checks, not speed: small tiles, no pipelining.
        q_tile, k_tile = (32, 32) if dtype == torch.float32 else (min(q_tile, 64), min(k_tile, 64))
        num_stages = 1 if dtype == torch.float32 else 2
    # float32 inputs: exact float32 products (the tests hold them to 1e-4); bf16/fp16 use the tensor cores anyway
    precision = "ieee" if dtype == torch.float32 else "tf32"
    extra = {"D_BLOCK": d_block, "DOT_PRECISION": precision, "num_warps": 8 if d_block > 64 else 4,
             "num_stages": num_stages}
    return q_tile, k_tile, extra
# END SOLUTION ONLY


def check_triton_inputs(Q: Tensor, K: Tensor, V: Tensor, is_causal: bool) -> None:
    """check_attention_inputs, plus what the kernels need: d_v == d <= 256, CUDA tensors unless interpreting,
    float32 under the interpreter (its bfloat16 is broken)."""
    check_attention_inputs(Q, K, V, is_causal)
    if V.shape[-1] != Q.shape[-1]:
        raise ValueError(f"FlashAttentionTriton: V's head dim must equal Q's, got {V.shape[-1]} and {Q.shape[-1]}")
    if Q.shape[-1] > 256:
        raise ValueError(f"FlashAttentionTriton: head dim {Q.shape[-1]} > 256 does not fit one tile")
    if interpreting():
        if Q.dtype != torch.float32:
            raise TypeError(f"FlashAttentionTriton: under TRITON_INTERPRET=1 only float32 works (the interpreter's "
                            f"bfloat16 is broken), got {Q.dtype}")
    else:
        if Q.device.type != "cuda":
            raise ValueError(f"FlashAttentionTriton: the kernels need CUDA tensors, got {Q.device}; on a CPU set "
                             f"TRITON_INTERPRET=1 before triton is imported (a2_systems does it when no GPU exists)")
        if Q.dtype not in (torch.float16, torch.bfloat16, torch.float32):
            raise TypeError(f"FlashAttentionTriton: dtype must be float16, bfloat16 or float32, got {Q.dtype}")


class FlashAttentionTriton(torch.autograd.Function):
    """softmax(Q K^T / sqrt(d)) V with Triton kernels. Q (..., n, d), K/V (..., n_k, d) -> O (..., n, d).
    Saves exactly (L, Q, K, V, O) for the backward, L (..., n_q) float32."""

    @staticmethod
    def forward(ctx, Q: Tensor, K: Tensor, V: Tensor, is_causal: bool = False) -> Tensor:
        # BEGIN SOLUTION
        check_triton_inputs(Q, K, V, is_causal)
        lead, (n_q, d), n_k = Q.shape[:-2], Q.shape[-2:], K.shape[-2]
        q3, k3, v3 = (t.reshape(-1, t.shape[-2], d).contiguous() for t in (Q, K, V))
        batch = q3.shape[0]
        out = torch.empty_like(q3)
        L = torch.empty(batch, n_q, dtype=torch.float32, device=Q.device)
        q_tile, k_tile, extra = _launch_config(d, Q.dtype, backward=False)
        flash_fwd_kernel[(triton.cdiv(n_q, q_tile), batch)](
            q3, k3, v3, out, L,
            *q3.stride(), *k3.stride(), *v3.stride(), *out.stride(), *L.stride(),
            n_q, n_k, d, LOG2E / math.sqrt(d),
            IS_CAUSAL=bool(is_causal), Q_TILE=q_tile, K_TILE=k_tile, **extra,
        )
        out, L = out.reshape(*lead, n_q, d), L.reshape(*lead, n_q)
        ctx.save_for_backward(L, Q, K, V, out)
        ctx.is_causal = bool(is_causal)
        return out
        # END SOLUTION

    @staticmethod
    def backward(ctx, dO: Tensor) -> tuple[Tensor, Tensor, Tensor, None]:
        # BEGIN SOLUTION
        L, Q, K, V, out = ctx.saved_tensors
        n_q, d = Q.shape[-2:]
        n_k = K.shape[-2]
        q3, k3, v3, o3, do3 = (t.reshape(-1, t.shape[-2], d).contiguous() for t in (Q, K, V, out, dO.to(Q.dtype)))
        l2 = L.reshape(-1, n_q).contiguous()
        batch = q3.shape[0]
        delta = (do3.float() * o3.float()).sum(dim=-1).contiguous()  # D = rowsum(dO * O), (batch, n_q)
        dQ, dK, dV = torch.empty_like(q3), torch.empty_like(k3), torch.empty_like(v3)
        q_tile, k_tile, extra = _launch_config(d, Q.dtype, backward=True)
        common = dict(IS_CAUSAL=ctx.is_causal, Q_TILE=q_tile, K_TILE=k_tile, **extra)
        scale = 1.0 / math.sqrt(d)
        flash_bwd_dkdv_kernel[(triton.cdiv(n_k, k_tile), batch)](
            q3, k3, v3, do3, l2, delta, dK, dV, *q3.stride(), *k3.stride(), *l2.stride(),
            n_q, n_k, d, scale, scale * LOG2E, **common)
        flash_bwd_dq_kernel[(triton.cdiv(n_q, q_tile), batch)](
            q3, k3, v3, do3, l2, delta, dQ, *q3.stride(), *k3.stride(), *l2.stride(),
            n_q, n_k, d, scale, scale * LOG2E, **common)
        return dQ.reshape(Q.shape), dK.reshape(K.shape), dV.reshape(V.shape), None
        # END SOLUTION
