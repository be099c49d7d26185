"""fused_attention computes the student-reference model's function: the attention core against torch's SDPA
(an independent oracle), the swapped model's loss and gradients against the unswapped one on the same weights."""

import copy

import pytest
import torch
import torch.nn.functional as F

from a1_basics.fused_attention import BLOCK, FusedSelfAttention, causal_attention, fuse_attention
from a1_basics.losses import cross_entropy
from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a1_basics.optim.adamw import AdamW

TINY = ModelConfig(vocab_size=97, context_length=48, d_model=32, num_layers=2, num_heads=4, d_ff=64)


@pytest.mark.parametrize("t", [1, BLOCK - 1, BLOCK, 2 * BLOCK + 5])
def test_causal_attention_matches_sdpa_with_gradients(t, one_thread):
    g = torch.Generator().manual_seed(t)
    q, k, v = (torch.randn(2, 3, t, 8, generator=g, requires_grad=True) for _ in range(3))
    grad = torch.randn(2, 3, t, 8, generator=g)
    ours = torch.autograd.grad(causal_attention(q, k, v), (q, k, v), grad)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    theirs = torch.autograd.grad(out, (q, k, v), grad)
    torch.testing.assert_close(causal_attention(q, k, v), out, rtol=1e-5, atol=1e-5)
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def _models(cfg: ModelConfig) -> tuple[TransformerLM, TransformerLM]:
    torch.manual_seed(0)
    plain = TransformerLM.from_config(cfg)
    return plain, fuse_attention(copy.deepcopy(plain))


@pytest.mark.parametrize("cfg", [TINY, ModelConfig(**{**TINY.__dict__, "num_kv_heads": 2, "tie_embeddings": True})],
                         ids=["mha", "gqa-tied"])
def test_fused_model_has_the_same_loss_gradients_and_parameters(cfg, one_thread):
    plain, fused = _models(cfg)
    assert all(isinstance(layer.attn, FusedSelfAttention) for layer in fused.layers)
    assert list(plain.state_dict()) == list(fused.state_dict())
    assert [n for n, _ in plain.named_parameters()] == [n for n, _ in fused.named_parameters()]
    data = torch.randint(0, cfg.vocab_size, (3, cfg.context_length + 1), generator=torch.Generator().manual_seed(1))
    losses = []
    for model in (plain, fused):
        loss = cross_entropy(model(data[:, :-1]), data[:, 1:])
        loss.backward()
        losses.append(loss)
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-6, atol=1e-6)
    for (name, a), b in zip(plain.named_parameters(), fused.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-6, msg=lambda m, n=name: f"{n}: {m}")


def test_kv_cache_decoding_goes_to_the_student_forward(one_thread):
    plain, fused = _models(TINY)
    ids = torch.randint(0, TINY.vocab_size, (1, 10), generator=torch.Generator().manual_seed(2))
    last = []
    with torch.no_grad():
        for model in (plain, fused):
            cache = model.make_kv_cache()
            model(ids[:, :7], kv_cache=cache)
            last.append(model(ids[:, 7:], kv_cache=cache))
        torch.testing.assert_close(last[0], last[1])
        torch.testing.assert_close(last[1], fused(ids)[:, 7:], rtol=1e-5, atol=1e-5)


def test_training_losses_agree_for_the_first_steps(one_thread):
    plain, fused = _models(TINY)
    g = torch.Generator().manual_seed(3)
    batches = [torch.randint(0, TINY.vocab_size, (4, TINY.context_length + 1), generator=g) for _ in range(8)]
    curves = []
    for model in (plain, fused):
        opt = AdamW(model.parameters(), lr=3e-3)
        curve = []
        for b in batches:
            opt.zero_grad(set_to_none=True)
            loss = cross_entropy(model(b[:, :-1]), b[:, 1:])
            loss.backward()
            opt.step()
            curve.append(float(loss.detach()))
        curves.append(curve)
    assert curves[0][-1] < curves[0][0]  # the run moves, so agreement is not two constant curves
    assert curves[1] == pytest.approx(curves[0], rel=1e-5, abs=1e-5)
