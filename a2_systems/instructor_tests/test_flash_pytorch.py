"""FlashAttention-2 in PyTorch (HANDOUT §3.1) against independent oracles: torch's scaled_dot_product_attention and
torch.logsumexp in float64, autograd of naive attention, gradcheck in float64, and memory properties."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from a2_systems.cs336_adapters import get_flashattention_autograd_function_pytorch
from a2_systems.flash.flash_pytorch import FlashAttentionPytorch, flash_backward, flash_forward


def qkv(shape_q: tuple[int, ...], n_k: int, dtype: torch.dtype = torch.float64, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    *lead, _, d = shape_q
    q = torch.randn(*shape_q, generator=gen, dtype=dtype)
    k, v = (torch.randn(*lead, n_k, d, generator=gen, dtype=dtype) for _ in range(2))
    return q, k, v


SQUARE = [(1, 1, 4), (37, 37, 16), (64, 64, 32), (100, 100, 8)]


@pytest.mark.parametrize("n_q,n_k,d,causal", [(*s, c) for s in SQUARE for c in (False, True)] + [(20, 75, 16, False)])
def test_forward_matches_torch_sdpa_float64(n_q: int, n_k: int, d: int, causal: bool) -> None:
    q, k, v = qkv((3, n_q, d), n_k)
    out = FlashAttentionPytorch.apply(q, k, v, causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=causal), rtol=1e-12,
                               atol=1e-12)


def test_logsumexp_is_saved_and_correct() -> None:
    q, k, v = qkv((2, 50, 16), 50)
    q.requires_grad_()
    out = FlashAttentionPytorch.apply(q, k, v, True)
    saved = out.grad_fn.saved_tensors
    assert sorted(tuple(t.shape) for t in saved) == sorted([(2, 50), (2, 50, 16), (2, 50, 16), (2, 50, 16),
                                                           (2, 50, 16)])
    lse = next(t for t in saved if t.dim() == 2)
    scores = (q @ k.transpose(1, 2) / 4.0).masked_fill(torch.ones(50, 50, dtype=torch.bool).triu(1), -math.inf)
    torch.testing.assert_close(lse, torch.logsumexp(scores, dim=-1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
def test_gradients_match_naive_autograd_float64(causal: bool) -> None:
    q, k, v = (t.requires_grad_() for t in qkv((2, 70, 16), 70, seed=1))
    d_out = torch.randn(2, 70, 16, dtype=torch.float64)
    FlashAttentionPytorch.apply(q, k, v, causal).backward(d_out)
    q2, k2, v2 = (t.detach().clone().requires_grad_() for t in (q, k, v))
    F.scaled_dot_product_attention(q2, k2, v2, is_causal=causal).backward(d_out)
    for got, want in ((q.grad, q2.grad), (k.grad, k2.grad), (v.grad, v2.grad)):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)


def test_gradcheck_float64_small() -> None:
    q, k, v = (t.requires_grad_() for t in qkv((1, 20, 4), 20, seed=2))
    assert torch.autograd.gradcheck(lambda a, b, c: FlashAttentionPytorch.apply(a, b, c, True), (q, k, v))


def test_float32_against_float64_oracle_and_extra_leading_dims() -> None:
    q, k, v = qkv((2, 3, 45, 16), 45, dtype=torch.float32, seed=3)
    out = FlashAttentionPytorch.apply(q, k, v, True)
    want = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), is_causal=True)
    assert out.dtype == torch.float32 and out.shape == (2, 3, 45, 16)
    torch.testing.assert_close(out.double(), want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("q_tile,k_tile", [(16, 16), (16, 48), (64, 16), (128, 128)])
def test_tile_sizes_do_not_change_the_result(q_tile: int, k_tile: int) -> None:
    q, k, v = qkv((2, 90, 8), 90, seed=4)
    d_out = torch.randn(2, 90, 8, dtype=torch.float64)
    out, lse = flash_forward(q, k, v, True, q_tile, k_tile)
    ref_out, ref_lse = flash_forward(q, k, v, True, 32, 32)
    torch.testing.assert_close(out, ref_out, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lse, ref_lse, rtol=1e-12, atol=1e-12)
    grads = flash_backward(q, k, v, out, lse, d_out, True, q_tile, k_tile)
    ref = flash_backward(q, k, v, out, lse, d_out, True, 32, 32)
    for g, r in zip(grads, ref, strict=True):
        torch.testing.assert_close(g, r, rtol=1e-10, atol=1e-10)


def test_large_scores_do_not_overflow() -> None:
    q, k, v = qkv((1, 40, 16), 40, dtype=torch.float32, seed=5)
    q = q * 300.0  # scores in the thousands: exp() overflows without the running max
    out = FlashAttentionPytorch.apply(q, k, v, False)
    assert torch.isfinite(out).all()
    want = F.scaled_dot_product_attention(q.double(), k.double(), v.double())
    torch.testing.assert_close(out.double(), want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("bad,error", [
    (lambda q: (q, q, q[:, :5], False), ValueError),  # K and V disagree on n_keys
    (lambda q: (q, q[:, :5], q[:, :5], True), ValueError),  # causal with n_q != n_k
    (lambda q: (q[0], q[0], q[0], False), ValueError),  # 2-D
    (lambda q: (q, q.double(), q, False), TypeError),  # mixed dtypes
    (lambda q: (q.long(), q.long(), q.long(), False), TypeError),  # integers
    (lambda q: (q, q[..., :4], q, False), ValueError),  # head dims differ
])
def test_bad_inputs_raise_clear_errors(bad, error) -> None:
    q = torch.randn(2, 8, 8)
    with pytest.raises(error, match="FlashAttention"):
        FlashAttentionPytorch.apply(*bad(q))


def test_adapter_returns_the_function() -> None:
    assert get_flashattention_autograd_function_pytorch() is FlashAttentionPytorch


def test_cpu_bench_quick_meets_its_memory_goals() -> None:
    from a2_systems.bench.flash_bench import run

    rows = run(quick=True)
    goals = [r for r in rows if r.goal is not None]
    assert goals and all(r.meets_goal for r in goals), [(r.name, r.ratio) for r in goals]
