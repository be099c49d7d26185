"""Instructor-only: the reference against oracles and properties that do not depend on it (hypothesis, seeded).

Tolerances: float32 reference against float64 or torch oracles; RoPE tables are float32, so angle rounding shows
at ~1e-6 of |x| and the RoPE checks allow 1e-5.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from a1_basics import cs336_adapters as adapters
from a1_basics.nn.activations import softmax
from a1_basics.nn.attention import scaled_dot_product_attention
from a1_basics.nn.rmsnorm import RMSNorm
from a1_basics.nn.rope import RotaryPositionalEmbedding
from a1_basics.oracles.activations import expect_swiglu
from a1_basics.oracles.rope import rotate_pairs

SETTINGS = settings(derandomize=True, max_examples=30, deadline=None)
finite32 = st.floats(-30.0, 30.0, width=32)


@st.composite
def array_and_dim(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    x = draw(arrays(np.float32, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=finite32))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return x, dim


@SETTINGS
@given(array_and_dim(), st.floats(-1e4, 1e4, width=32))
def test_softmax_sums_to_one_ignores_shift_and_equals_torch(xd: tuple[np.ndarray, int], c: float) -> None:
    x, dim = xd
    t = torch.from_numpy(x)
    p = softmax(t, dim)
    assert torch.isfinite(p).all() and (p >= 0).all()
    torch.testing.assert_close(p.sum(dim), torch.ones_like(p.sum(dim)), rtol=0, atol=1e-5)
    torch.testing.assert_close(p, torch.softmax(t, dim), rtol=1e-5, atol=1e-6)
    # in float64 so that x + c is exact enough to compare; exp(x + c) alone would overflow for c > 709
    shifted = softmax(t.double() + c, dim)
    torch.testing.assert_close(shifted, p.double(), rtol=1e-5, atol=1e-6)


@st.composite
def attention_inputs(draw: st.DrawFn) -> dict:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    n_q, n_k, d_k, d_v = (draw(st.integers(1, 7)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inp = {"Q": rng.standard_normal((*lead, n_q, d_k)), "K": rng.standard_normal((*lead, n_k, d_k)),
           "V": rng.standard_normal((*lead, n_k, d_v))}
    if draw(st.booleans()):
        mask = rng.random((*lead, n_q, n_k)) < 0.5
        mask[..., rng.integers(n_k)] = True  # every query keeps at least one key
        inp["mask"] = mask
    return {k: torch.from_numpy(v.astype(np.float32) if v.dtype != bool else v) for k, v in inp.items()}


@SETTINGS
@given(attention_inputs())
def test_sdpa_equals_torch(inp: dict) -> None:
    mask = inp.get("mask")
    got = scaled_dot_product_attention(inp["Q"], inp["K"], inp["V"], mask)
    want = F.scaled_dot_product_attention(inp["Q"].double(), inp["K"].double(), inp["V"].double(), attn_mask=mask)
    torch.testing.assert_close(got, want.float(), rtol=1e-5, atol=1e-5)


@st.composite
def rope_inputs(draw: st.DrawFn) -> tuple[RotaryPositionalEmbedding, torch.Tensor, torch.Tensor]:
    d_k = 2 * draw(st.integers(1, 16))
    theta = draw(st.sampled_from([10.0, 500.0, 10000.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rope = RotaryPositionalEmbedding(theta, d_k, 64)
    x = torch.from_numpy(rng.standard_normal((2, 5, d_k)).astype(np.float32))
    positions = torch.from_numpy(rng.integers(0, 64, size=(2, 5)))
    return rope, x, positions


@SETTINGS
@given(rope_inputs())
def test_rope_preserves_pair_norms(args: tuple) -> None:
    rope, x, positions = args
    y = rope(x, positions)
    pair_norm = lambda t: t.double().unflatten(-1, (-1, 2)).norm(dim=-1)
    torch.testing.assert_close(pair_norm(y), pair_norm(x), rtol=1e-5, atol=1e-5)


@SETTINGS
@given(rope_inputs(), st.integers(0, 31), st.integers(0, 31), st.integers(1, 32))
def test_rope_scores_depend_only_on_relative_position(args: tuple, m: int, n: int, shift: int) -> None:
    rope, x, _ = args
    q, k = x[0, 0], x[1, 0]
    score = lambda a, b: float(rope(q, torch.tensor(a)) @ rope(k, torch.tensor(b)))
    assert abs(score(m, n) - score(m + shift, n + shift)) <= 1e-5 * (1 + float(q.norm() * k.norm()))


@SETTINGS
@given(arrays(np.float32, array_shapes(min_dims=1, max_dims=3, max_side=8), elements=finite32),
       st.sampled_from([1e-5, 1e-3]))
def test_rmsnorm_equals_float64_formula(x: np.ndarray, eps: float) -> None:
    d = x.shape[-1]
    gain = np.linspace(0.5, 1.5, d, dtype=np.float32)
    norm = RMSNorm(d, eps=eps)
    norm.load_state_dict({"weight": torch.from_numpy(gain)})
    x64 = x.astype(np.float64)
    want = x64 / np.sqrt(np.mean(x64 * x64, axis=-1, keepdims=True) + eps) * gain
    np.testing.assert_allclose(norm(torch.from_numpy(x)).detach().numpy(), want, rtol=1e-5, atol=1e-6)


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_cs336_adapters_match_oracles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    t = torch.from_numpy
    close = lambda got, want, tol=1e-5: np.testing.assert_allclose(
        got.detach().numpy(), want, rtol=tol, atol=tol)
    d_in, d_out, vocab, d_ff = (int(v) for v in rng.integers(2, 12, size=4))
    x, w = f32(3, d_in), f32(d_out, d_in)
    close(adapters.run_linear(d_in, d_out, t(w), t(x)), x.astype(np.float64) @ w.T)
    table, ids = f32(vocab, d_in), rng.integers(0, vocab, size=(2, 3))
    close(adapters.run_embedding(vocab, d_in, t(table), t(ids)), table[ids], tol=0)
    gain = f32(d_in)
    ms = np.mean(x.astype(np.float64) ** 2, axis=-1, keepdims=True)
    close(adapters.run_rmsnorm(d_in, 1e-5, t(gain), t(x)), x / np.sqrt(ms + 1e-5) * gain)
    close(adapters.run_silu(t(x)), F.silu(t(x).double()).numpy())
    ws = {"x": x, "w1": f32(d_ff, d_in), "w2": f32(d_in, d_ff), "w3": f32(d_ff, d_in)}
    close(adapters.run_swiglu(d_in, d_ff, t(ws["w1"]), t(ws["w2"]), t(ws["w3"]), t(x)), expect_swiglu(ws),
          tol=1e-4)
    close(adapters.run_softmax(t(x), 0), torch.softmax(t(x).double(), 0).numpy())
    q, k, v = f32(2, 4, d_in), f32(2, 5, d_in), f32(2, 5, d_out)
    mask = rng.random((4, 5)) < 0.5
    mask[:, 0] = True
    want = F.scaled_dot_product_attention(t(q).double(), t(k).double(), t(v).double(), attn_mask=t(mask))
    close(adapters.run_scaled_dot_product_attention(t(q), t(k), t(v), t(mask)), want.numpy())
    xk, pos = f32(2, 6, 2 * d_in), rng.integers(0, 32, size=6)
    close(adapters.run_rope(2 * d_in, 10000.0, 32, t(xk), t(pos)), rotate_pairs(xk, pos, 10000.0))
