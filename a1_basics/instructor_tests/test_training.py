"""Instructor-only: the training pieces against torch's own (torch.optim.AdamW, F.cross_entropy,
clip_grad_norm_), a worked schedule, and end-to-end properties: a tiny LM overfits a fixed batch, and a run
resumed from a checkpoint continues bit for bit."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from a1_basics import cs336_adapters as adapters
from a1_basics.cases.training import WORKED
from a1_basics.checkpoint import load_checkpoint, save_checkpoint
from a1_basics.data import get_batch, load_tokens, write_tokens
from a1_basics.decoding import top_p_filter
from a1_basics.losses import cross_entropy
from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a1_basics.optim.adamw import AdamW
from a1_basics.optim.clipping import clip_gradients
from a1_basics.optim.schedule import lr_cosine_schedule
from a1_basics.oracles.decoding import top_p_oracle
from a1_basics.oracles.training import WORKED_VALUES

pytestmark = pytest.mark.usefixtures("one_thread")
SETTINGS = settings(derandomize=True, max_examples=25, deadline=None)
TINY = ModelConfig(vocab_size=32, context_length=16, d_model=32, num_layers=2, num_heads=4, d_ff=64)


def test_adamw_matches_torch_over_1000_steps() -> None:
    """CS336's bar: a small model trained 1000 steps by both optimizers, parameters within atol 1e-4."""
    torch.manual_seed(42)
    x, y = torch.randn(64, 3), torch.randn(64, 2)
    models = [torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)) for _ in range(2)]
    models[1].load_state_dict(models[0].state_dict())
    opts = [AdamW(models[0].parameters(), lr=1e-3, weight_decay=0.01, betas=(0.9, 0.999), eps=1e-8),
            torch.optim.AdamW(models[1].parameters(), lr=1e-3, weight_decay=0.01, betas=(0.9, 0.999), eps=1e-8)]
    for _ in range(1000):
        for m, opt in zip(models, opts, strict=True):
            opt.zero_grad()
            F.mse_loss(m(x), y).backward()
            opt.step()
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-4)
    assert adapters.get_adamw_cls() is AdamW


@SETTINGS
@given(st.integers(1, 4), st.integers(2, 50), st.floats(0.1, 1e3), st.integers(0, 2**31 - 1))
def test_cross_entropy_value_and_gradient_equal_torch(rows: int, vocab: int, scale: float, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    logits = (torch.randn(rows, 3, vocab, generator=g, dtype=torch.float64) * scale).requires_grad_()
    targets = torch.randint(0, vocab, (rows, 3), generator=g)
    ours = cross_entropy(logits, targets)
    want = F.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1))
    torch.testing.assert_close(ours, want, rtol=1e-10, atol=1e-10)
    (g_ours,) = torch.autograd.grad(ours, logits)
    (g_want,) = torch.autograd.grad(want, logits)
    torch.testing.assert_close(g_ours, g_want, rtol=1e-8, atol=1e-12)


@SETTINGS
@given(st.integers(0, 2**31 - 1), st.floats(0.01, 20.0))
def test_clipping_equals_torch_clip_grad_norm(seed: int, max_norm: float) -> None:
    g = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (5,), (2, 2, 2)]
    ours = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    theirs = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    for a, b in zip(ours, theirs, strict=True):
        a.grad = torch.randn(a.shape, generator=g) * 3
        b.grad = a.grad.clone()
    frozen = torch.nn.Parameter(torch.zeros(2))
    norm = clip_gradients([*ours, frozen], max_norm)
    want = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    torch.testing.assert_close(norm, want)
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a.grad, b.grad)
    assert frozen.grad is None


def test_schedule_worked_example_and_shape() -> None:
    got = [lr_cosine_schedule(t, WORKED["max"], WORKED["min"], WORKED["warmup"], WORKED["cycle"]) for t in WORKED["ts"]]
    assert got == pytest.approx(WORKED_VALUES, rel=1e-12, abs=1e-15)
    lrs = [lr_cosine_schedule(t, 1.0, 0.1, 10, 100) for t in range(150)]
    assert all(a < b for a, b in zip(lrs[:10], lrs[1:11], strict=True))  # warm-up rises
    assert all(a >= b for a, b in zip(lrs[10:100], lrs[11:101], strict=True))  # cosine falls
    assert lrs[100:] == [0.1] * 50


def test_get_batch_on_a_memmap(tmp_path: object) -> None:
    path = f"{tmp_path}/tokens.bin"
    ids = np.random.default_rng(0).integers(0, 50_000, size=1000)
    assert write_tokens(ids, path) == 1000
    data = load_tokens(path)
    assert isinstance(data, np.memmap) and np.array_equal(data, ids)
    np.random.seed(0)
    x, y = get_batch(data, 8, 32, "cpu")
    assert x.dtype == y.dtype == torch.int64 and x.shape == (8, 32)
    assert torch.equal(x[:, 1:], y[:, :-1])
    x2, _ = adapters.run_get_batch(data, 8, 32, "cpu")
    assert x2.shape == (8, 32)
    with pytest.raises(ValueError, match="does not fit uint16"):
        write_tokens([70_000], path)
    with pytest.raises(ValueError, match="no window"):
        get_batch(np.arange(5), 2, 5, "cpu")


@SETTINGS
@given(st.integers(0, 2**31 - 1), st.floats(0.05, 1.0))
def test_top_p_equals_the_numpy_oracle(seed: int, p: float) -> None:
    probs = np.random.default_rng(seed).dirichlet(np.ones(15) * 0.5, size=3)
    sorted_masses = np.cumsum(-np.sort(-probs, axis=-1), axis=-1)
    if np.abs(sorted_masses - p).min() < 1e-9:
        return  # a threshold on a cumulative mass: float rounding decides, both answers are right
    got = top_p_filter(torch.from_numpy(probs), p).numpy()
    np.testing.assert_allclose(got, top_p_oracle(probs, p), rtol=1e-12, atol=1e-15)


def lm_batch() -> tuple[TransformerLM, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    model = TransformerLM.from_config(TINY)
    data = torch.randint(0, TINY.vocab_size, (4, TINY.context_length + 1))
    return model, data[:, :-1], data[:, 1:]


def train(model: TransformerLM, opt: AdamW, x: torch.Tensor, y: torch.Tensor, steps: range) -> list[float]:
    losses = []
    for t in steps:
        for group in opt.param_groups:
            group["lr"] = lr_cosine_schedule(t, 3e-3, 3e-4, 10, 100)
        opt.zero_grad()
        loss = cross_entropy(model(x), y)
        loss.backward()
        clip_gradients(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return losses


def test_tiny_lm_overfits_a_fixed_batch() -> None:
    model, x, y = lm_batch()
    losses = train(model, AdamW(model.parameters(), weight_decay=0.01), x, y, range(100))
    assert losses[0] > 3.0  # about log(32) = 3.47 at init
    assert losses[-1] < 0.5, losses[-1]


def test_checkpoint_resumes_training_identically(tmp_path: object) -> None:
    model, x, y = lm_batch()
    opt = AdamW(model.parameters())
    train(model, opt, x, y, range(5))
    path = f"{tmp_path}/ckpt.pt"
    adapters.run_save_checkpoint(model, opt, 5, path)
    rest = train(model, opt, x, y, range(5, 10))

    resumed, _, _ = lm_batch()
    resumed_opt = AdamW(resumed.parameters())
    assert adapters.run_load_checkpoint(path, resumed, resumed_opt) == 5
    assert train(resumed, resumed_opt, x, y, range(5, 10)) == rest
    for a, b in zip(model.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)


def test_bad_checkpoints_raise_clear_errors(tmp_path: object) -> None:
    model, _, _ = lm_batch()
    opt = AdamW(model.parameters())
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(io.BytesIO(b"definitely not a checkpoint"), model, opt)
    buf = io.BytesIO()
    torch.save({"model": model.state_dict()}, buf)
    buf.seek(0)
    with pytest.raises(ValueError, match="holds the keys"):
        load_checkpoint(buf, model, opt)
    good = io.BytesIO()
    save_checkpoint(model, opt, 3, good)
    truncated = io.BytesIO(good.getvalue()[: len(good.getvalue()) // 2])
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(truncated, model, opt)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(f"{tmp_path}/missing.pt", model, opt)
