"""Instructor-only: the model, decoding and accounting reference against independent oracles and properties.

Oracles: the naive float64 forward of cases/model.py (torch.nn.functional pieces), FlopCounterMode, the real
module's parameter count, tensors autograd actually saves. Tolerances: float32 reference against float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from a1_basics import cs336_adapters as adapters
from a1_basics.accounting import count_parameters, flops_per_token, memory_bytes
from a1_basics.cases.model import lm_weights
from a1_basics.decoding import generate
from a1_basics.losses import cross_entropy
from a1_basics.nn.attention import MultiHeadSelfAttention
from a1_basics.nn.kv_cache import KVCache
from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a1_basics.oracles.model import naive_attention, naive_lm

pytestmark = pytest.mark.usefixtures("one_thread")
SETTINGS = settings(derandomize=True, max_examples=15, deadline=None)
TINY = ModelConfig(vocab_size=40, context_length=24, d_model=32, num_layers=2, num_heads=4, d_ff=64)


def model_and_weights(cfg: ModelConfig, seed: int = 0) -> tuple[TransformerLM, dict]:
    spec = {**cfg.__dict__, "num_kv_heads": cfg.kv_heads}
    w = lm_weights(np.random.default_rng(seed), spec)
    model = TransformerLM.from_config(cfg)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()})
    return model, {k: torch.from_numpy(v.astype(np.float64)) for k, v in w.items()}


@SETTINGS
@given(st.sampled_from([(4, None), (4, 2), (8, 2), (4, 1)]), st.integers(1, 12), st.integers(0, 2**31 - 1),
       st.booleans())
def test_mhsa_equals_naive_attention(heads: tuple[int, int | None], seq: int, seed: int, rope: bool) -> None:
    num_heads, kv = heads
    rng = np.random.default_rng(seed)
    attn = MultiHeadSelfAttention(32, num_heads, 16 if rope else None, 10000.0 if rope else None, kv)
    x = torch.from_numpy(rng.standard_normal((2, seq, 32)).astype(np.float32))
    w = {k: v.detach().double() for k, v in attn.state_dict().items()}
    want = naive_attention(x.double(), w, "", num_heads, kv or num_heads, 10000.0 if rope else None)
    torch.testing.assert_close(attn(x), want.float(), rtol=1e-4, atol=1e-5)


def test_lm_equals_naive_forward_and_cs336_adapter() -> None:
    model, w64 = model_and_weights(TINY)
    ids = torch.randint(0, TINY.vocab_size, (2, 11), generator=torch.Generator().manual_seed(0))
    want = naive_lm(ids, w64, {**TINY.__dict__, "num_kv_heads": TINY.kv_heads}).float()
    torch.testing.assert_close(model(ids), want, rtol=1e-4, atol=2e-5)
    sd = model.state_dict()
    got = adapters.run_transformer_lm(40, 24, 32, 2, 4, 64, 10000.0, sd, ids)
    torch.testing.assert_close(got, want, rtol=1e-4, atol=2e-5)
    block = {k.removeprefix("layers.0."): v for k, v in sd.items() if k.startswith("layers.0.")}
    x = torch.randn(2, 5, 32)
    torch.testing.assert_close(adapters.run_transformer_block(32, 4, 64, 24, 10000.0, block, x), model.layers[0](x))


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=1, max_size=6), st.sampled_from([None, 2, 1]), st.integers(1, 2))
def test_kv_cache_any_chunking_equals_full_forward(chunks: list[int], kv: int | None, batch: int) -> None:
    cfg = ModelConfig(**{**TINY.__dict__, "num_kv_heads": kv})
    model, _ = model_and_weights(cfg, seed=len(chunks))
    ids = torch.randint(0, cfg.vocab_size, (batch, sum(chunks)), generator=torch.Generator().manual_seed(1))
    cache, outs, at = KVCache(cfg.num_layers, cfg.context_length), [], 0
    with torch.no_grad():
        full = model(ids)
        for n in chunks:
            outs.append(model(ids[:, at:at + n], kv_cache=cache))
            at += n
    torch.testing.assert_close(torch.cat(outs, dim=1), full, rtol=1e-4, atol=1e-5)
    assert cache.lengths == [sum(chunks)] * cfg.num_layers


def test_kv_cache_overflow_and_context_errors_are_clear() -> None:
    model, _ = model_and_weights(TINY)
    cache = KVCache(TINY.num_layers, 8)
    model(torch.zeros(1, 6, dtype=torch.long), kv_cache=cache)
    with pytest.raises(ValueError, match="at most 8 positions"):
        model(torch.zeros(1, 3, dtype=torch.long), kv_cache=cache)
    with pytest.raises(ValueError, match="context_length"):
        model(torch.zeros(1, TINY.context_length + 1, dtype=torch.long))


def test_generate_with_and_without_cache_agree_greedily() -> None:
    model, _ = model_and_weights(TINY, seed=3)
    prompt = [1, 5, 9]
    with_cache = generate(model, prompt, 12, temperature=0.0, use_kv_cache=True)
    without = generate(model, prompt, 12, temperature=0.0, use_kv_cache=False)
    assert with_cache == without and len(with_cache) == 12
    # each token is the argmax of a full recomputation (the margins are large for this seed)
    logits = model(torch.tensor([prompt + with_cache]))[0, len(prompt) - 1:-1]
    assert logits.argmax(-1).tolist() == with_cache
    # sampling with the same generator seed draws the same tokens either way
    sampled = [generate(model, prompt, 8, temperature=1.0, top_p=0.9, use_kv_cache=c,
                        generator=torch.Generator().manual_seed(7)) for c in (True, False)]
    assert sampled[0] == sampled[1]
    assert len(generate(model, prompt, 50, temperature=0.0)) == TINY.context_length - len(prompt)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_heads": 5}, "must divide d_model"),
    ({"num_kv_heads": 3}, "num_kv_heads=3 must divide"),
    ({"d_model": 36, "num_heads": 12}, "must be even"),
    ({"vocab_size": 0}, "vocab_size must be positive"),
])
def test_bad_configs_raise_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TransformerLM.from_config(ModelConfig(**{**TINY.__dict__, **kwargs}))


def test_tied_embeddings_share_one_parameter() -> None:
    cfg = ModelConfig(**{**TINY.__dict__, "tie_embeddings": True})
    model = TransformerLM.from_config(cfg)
    assert model.lm_head.weight is model.token_embeddings.weight
    assert {"lm_head.weight", "token_embeddings.weight"} <= set(model.state_dict())
    assert sum(p.numel() for p in model.parameters()) == count_parameters(cfg)


CONFIGS = [TINY, ModelConfig(**{**TINY.__dict__, "num_kv_heads": 2}),
           ModelConfig(**{**TINY.__dict__, "tie_embeddings": True, "num_layers": 3}),
           ModelConfig(vocab_size=17, context_length=9, d_model=24, num_layers=1, num_heads=3, d_ff=40,
                       num_kv_heads=1)]


@pytest.mark.parametrize("cfg", CONFIGS)
def test_accounting_against_the_real_model(cfg: ModelConfig) -> None:
    model = TransformerLM.from_config(cfg)
    assert count_parameters(cfg) == sum(p.numel() for p in model.parameters())
    ids = torch.zeros(2, cfg.context_length, dtype=torch.long)
    for training in (False, True):
        with FlopCounterMode(display=False) as counter:
            logits = model(ids)
            if training:
                logits.sum().backward()
        assert counter.get_total_flops() / ids.numel() == pytest.approx(flops_per_token(cfg, training), rel=1e-9)


def test_memory_estimate_against_measured_tensors() -> None:
    """Parameters and AdamW state measured exactly; activations within a factor of 2 of the tensors autograd
    really saves during forward + cross-entropy (an estimate by design)."""
    from a1_basics.optim.adamw import AdamW

    cfg, batch = ModelConfig(vocab_size=64, context_length=16, d_model=32, num_layers=2, num_heads=4, d_ff=64), 3
    est = memory_bytes(cfg, batch)
    model = TransformerLM.from_config(cfg)
    assert est["parameters"] == sum(p.numel() * p.element_size() for p in model.parameters())
    saved: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        if not isinstance(t, torch.nn.Parameter):
            saved[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    ids = torch.randint(0, cfg.vocab_size, (batch, cfg.context_length + 1))
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = cross_entropy(model(ids[:, :-1]), ids[:, 1:])
    measured = sum(saved.values())
    assert 0.5 < est["activations"] / measured < 2.0, (est["activations"], measured)
    loss.backward()
    opt = AdamW(model.parameters())
    opt.step()
    state = sum(t.numel() * t.element_size() for s in opt.state.values() for t in s.values()
                if isinstance(t, torch.Tensor))
    assert est["optimizer_state"] == state
    assert est["gradients"] == sum(p.grad.numel() * p.grad.element_size() for p in model.parameters())


def test_gpt2_xl_worked_example() -> None:
    cfg = ModelConfig(vocab_size=50257, context_length=1024, d_model=1600, num_layers=48, num_heads=25, d_ff=4288)
    assert count_parameters(cfg) == 1_640_452_800
    assert flops_per_token(cfg, training=False) == 3_434_345_600
    mem = memory_bytes(cfg, 1)
    assert math.isclose(mem["total"] / 1e9, 42.63, rel_tol=1e-3)
