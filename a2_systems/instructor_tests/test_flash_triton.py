"""FlashAttention-2 in Triton (HANDOUT §3.2, §3.3) against float64 torch oracles. On a CPU the kernels run in the
Triton interpreter on float32 (sizes kept small: milliseconds per loop iteration); on a GPU the same tests run
compiled (the GPU script runs this file). Never gradcheck under the interpreter."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from a2_systems.cs336_adapters import get_flashattention_autograd_function_triton
from a2_systems.flash.flash_triton import INTERPRET_TILES, FlashAttentionTriton, interpreting

DEVICE = "cpu" if interpreting() else "cuda"


def qkv(b: int, n_q: int, n_k: int, d: int, seed: int = 0) -> tuple[torch.Tensor, ...]:
    gen = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(b, n, d, generator=gen).to(DEVICE) for n in (n_q, n_k, n_k, n_q))


def oracle(q, k, v, d_out, causal):
    q, k, v = (t.detach().double().requires_grad_() for t in (q, k, v))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    out.backward(d_out.double())
    s = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if causal:
        s = s.masked_fill(torch.ones(s.shape[-2:], dtype=torch.bool, device=s.device).triu(1), -math.inf)
    return out.detach(), torch.logsumexp(s, -1).detach(), q.grad, k.grad, v.grad


@pytest.mark.parametrize("b,n_q,n_k,d,causal", [
    (2, 64, 64, 16, False), (2, 64, 64, 16, True), (1, 45, 70, 32, False), (3, 50, 50, 24, True),
    (1, 1, 1, 16, True), (1, 17, 3, 64, False),
])
def test_outputs_logsumexp_and_gradients(b: int, n_q: int, n_k: int, d: int, causal: bool) -> None:
    q, k, v, d_out = qkv(b, n_q, n_k, d)
    q, k, v = (t.requires_grad_() for t in (q, k, v))
    out = FlashAttentionTriton.apply(q, k, v, causal)
    lse = next(t for t in out.grad_fn.saved_tensors if t.dim() == 2)
    out.backward(d_out)
    want = oracle(q, k, v, d_out, causal)
    got = (out, lse, q.grad, k.grad, v.grad)
    for name, g, w in zip(("O", "L", "dQ", "dK", "dV"), got, want, strict=True):
        assert g.dtype == torch.float32, name
        torch.testing.assert_close(g.double(), w, rtol=1e-4, atol=1e-5, msg=lambda m, n=name: f"{n}: {m}")


def test_saves_exactly_l_q_k_v_o() -> None:
    q, k, v, _ = qkv(2, 40, 56, 16)
    q.requires_grad_()
    out = FlashAttentionTriton.apply(q, k, v, False)
    shapes = sorted(tuple(t.shape) for t in out.grad_fn.saved_tensors)
    assert shapes == sorted([(2, 40), (2, 40, 16), (2, 56, 16), (2, 56, 16), (2, 40, 16)])


def test_non_contiguous_inputs() -> None:
    q, k, v, _ = qkv(2, 48, 48, 16)
    qt, kt, vt = (t.transpose(0, 1).contiguous().transpose(0, 1) for t in (q, k, v))  # same values, odd strides
    assert not qt.is_contiguous()
    torch.testing.assert_close(FlashAttentionTriton.apply(qt, kt, vt, True), FlashAttentionTriton.apply(q, k, v, True))


@pytest.mark.skipif(not interpreting(), reason="counts tl.dot calls through the Triton interpreter")
def test_causal_forward_visits_only_tiles_at_or_below_the_diagonal() -> None:
    from a2_systems.cases.flash_triton import count_dots

    bq, bk = INTERPRET_TILES
    n = 4 * bq
    q, k, v, _ = qkv(1, n, n, 16)
    full = count_dots(lambda: FlashAttentionTriton.apply(q, k, v, False))
    causal = count_dots(lambda: FlashAttentionTriton.apply(q, k, v, True))
    tiles = sum(math.ceil(min((i + 1) * bq, n) / bk) for i in range(n // bq))  # key tiles per query tile
    assert full == 2 * (n // bq) * math.ceil(n / bk)  # two tl.dot per key tile: Q K^T and P V
    assert causal == 2 * tiles


@pytest.mark.parametrize("bad,error", [
    (lambda q: (q, q, q[..., :8], False), ValueError),  # d_v != d
    (lambda q: (q, q[:, :5], q[:, :5], True), ValueError),  # causal with n_q != n_k
    (lambda q: (q.double(), q.double(), q.double(), False), TypeError),  # float64 is not a kernel dtype
])
def test_bad_inputs_raise_clear_errors(bad, error) -> None:
    q = torch.randn(1, 16, 16, device=DEVICE)
    if not interpreting() and error is TypeError:
        pytest.skip("float64 is refused only under the interpreter")  # compiled: float16/bfloat16/float32
    with pytest.raises(error, match="FlashAttention"):
        FlashAttentionTriton.apply(*bad(q))


def test_adapter_returns_the_function() -> None:
    assert get_flashattention_autograd_function_triton() is FlashAttentionTriton


def test_mutant_helper_refuses_a_missing_pattern() -> None:
    from a2_systems.hidden.flash_source_patch import patched

    with pytest.raises(ValueError, match="expected 1 occurrence"):
        patched("a2_systems.flash.flash_triton", "FlashAttentionTriton", [("no such line", "x", 1)])


def test_gpu_script_cpu_smoke(tmp_path) -> None:
    import json

    from a2_systems.bench.gpu_flash import main

    if not interpreting():
        pytest.skip("the smoke mode is for machines without a GPU")
    assert main(["--cpu-smoke", "--out", str(tmp_path / "g.json")]) == 0
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["all_checks_ok"] and data["mode"] == "cpu-smoke" and data["timings"]

