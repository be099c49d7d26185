"""The optional §11 units (nn/sliding_window.py, nn/mla.py, kv_accounting.py) against torch.nn.functional,
each other and the properties the handout states: the sliding-window cache never grows past the window, decoding
equals the full forward, the absorbed MLA equals the plain one, and the accounting equals the real caches' bytes."""

from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

from a1_basics.kv_accounting import kv_cache_bytes, kv_cache_elements_per_token
from a1_basics.nn.attention import MultiHeadSelfAttention
from a1_basics.nn.kv_cache import KVCache
from a1_basics.nn.mla import MultiHeadLatentAttention
from a1_basics.nn.sliding_window import SlidingWindowKVCache, SlidingWindowSelfAttention, sliding_window_mask


def cache_bytes(cache: object) -> int:
    return sum(t.untyped_storage().nbytes() for name in ("keys", "values") for t in getattr(cache, name)
               if t is not None)


def banded_sdpa(attn: SlidingWindowSelfAttention, x: torch.Tensor, window: int) -> torch.Tensor:
    """The same layer with F.scaled_dot_product_attention and a band mask built with torch.tril / triu."""
    H, kv = attn.num_heads, attn.num_kv_heads
    seq, dh = x.shape[-2], attn.d_head
    q = F.linear(x, attn.q_proj.weight).unflatten(-1, (H, dh)).transpose(1, 2)
    k = F.linear(x, attn.k_proj.weight).unflatten(-1, (kv, dh)).transpose(1, 2)
    v = F.linear(x, attn.v_proj.weight).unflatten(-1, (kv, dh)).transpose(1, 2)
    k, v = k.repeat_interleave(H // kv, dim=1), v.repeat_interleave(H // kv, dim=1)
    ones = torch.ones(seq, seq, dtype=torch.bool)
    band = ones.tril() & ones.triu(-(window - 1))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=band)
    return F.linear(out.transpose(1, 2).flatten(-2), attn.output_proj.weight)


@pytest.mark.parametrize("window", [1, 2, 5, 40])
def test_sliding_window_equals_a_banded_mask(window):
    torch.manual_seed(window)
    attn = SlidingWindowSelfAttention(32, 4, window, num_kv_heads=2)
    x = torch.randn(2, 23, 32)
    torch.testing.assert_close(attn(x), banded_sdpa(attn, x, window), rtol=1e-5, atol=1e-5)


def test_a_window_covering_the_sequence_is_causal_attention():
    torch.manual_seed(0)
    mhsa = MultiHeadSelfAttention(32, 4, max_seq_len=64, theta=10000.0)
    sw = SlidingWindowSelfAttention(32, 4, 64, max_seq_len=64, theta=10000.0)
    sw.load_state_dict(mhsa.state_dict())
    x = torch.randn(3, 17, 32)
    torch.testing.assert_close(sw(x), mhsa(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("window, chunks", [(3, [5, 1, 1, 1, 1, 1, 1, 1, 1]), (4, [1, 9, 2, 1, 3]),
                                            (1, [2, 1, 1, 3]), (6, [20])])
def test_decoding_with_the_window_cache_equals_the_full_forward(window, chunks):
    torch.manual_seed(window)
    attn = SlidingWindowSelfAttention(16, 4, window, max_seq_len=64, theta=500.0, num_kv_heads=2)
    x = torch.randn(2, sum(chunks), 16)
    cache, outs, at = SlidingWindowKVCache(1, window), [], 0
    for n in chunks:
        outs.append(attn(x[:, at:at + n], kv_cache=cache))
        at += n
    torch.testing.assert_close(torch.cat(outs, 1), attn(x), rtol=1e-5, atol=1e-6)


def test_the_window_cache_never_grows_past_the_window():
    torch.manual_seed(1)
    window = 5
    attn = SlidingWindowSelfAttention(16, 4, window, max_seq_len=128, theta=10000.0)
    cache = SlidingWindowKVCache(1, window)
    x = torch.randn(1, 60, 16)
    attn(x[:, :3], kv_cache=cache)
    sizes = []
    for t in range(3, 60):
        attn(x[:, t:t + 1], kv_cache=cache)
        assert cache.keys[0].shape[-2] == window and cache.values[0].shape[-2] == window
        sizes.append(cache_bytes(cache))
    assert set(sizes) == {2 * 4 * window * 4 * 4}  # keys and values, 4 heads of 4, float32: constant
    assert cache.lengths[0] == 60  # but it counts every position (the RoPE offset)


def test_the_mask_is_a_band():
    q, k = torch.arange(10, 14), torch.arange(6, 14)
    mask = sliding_window_mask(q, k, 3)
    assert mask.sum(-1).tolist() == [3, 3, 3, 3]
    assert mask[0].nonzero().flatten().tolist() == [2, 3, 4]  # keys 8, 9, 10 for query 10


@pytest.mark.parametrize("bad", [0, -1])
def test_non_positive_windows_raise(bad):
    with pytest.raises(ValueError, match="window"):
        SlidingWindowKVCache(1, bad)
    with pytest.raises(ValueError, match="window"):
        sliding_window_mask(torch.arange(3), torch.arange(3), bad)


def mla_with_sdpa(m: MultiHeadLatentAttention, x: torch.Tensor) -> torch.Tensor:
    """Eqs. (9)-(19) with F.linear and F.scaled_dot_product_attention(is_causal=True), rope from the module."""
    H, dh, dr = m.num_heads, m.d_head, m.d_rope
    seq = x.shape[-2]
    pos = torch.arange(seq)
    c_q, c_kv = F.linear(x, m.w_dq.weight), F.linear(x, m.w_dkv.weight)
    q_c = F.linear(c_q, m.w_uq.weight).unflatten(-1, (H, dh)).transpose(1, 2)
    q_r = m.rope(F.linear(c_q, m.w_qr.weight).unflatten(-1, (H, dr)).transpose(1, 2), pos)
    k_c = F.linear(c_kv, m.w_uk.weight).unflatten(-1, (H, dh)).transpose(1, 2)
    v = F.linear(c_kv, m.w_uv.weight).unflatten(-1, (H, dh)).transpose(1, 2)
    k_r = m.rope(F.linear(x, m.w_kr.weight), pos).unsqueeze(1).expand(-1, H, -1, -1)
    out = F.scaled_dot_product_attention(torch.cat([q_c, q_r], -1), torch.cat([k_c, k_r], -1), v, is_causal=True)
    return F.linear(out.transpose(1, 2).flatten(-2), m.w_o.weight)


@pytest.mark.parametrize("heads, d_head, d_rope, d_latent", [(4, 8, 4, 16), (2, 16, 8, 6), (1, 4, 2, 32)])
def test_mla_plain_absorbed_and_sdpa_agree(heads, d_head, d_rope, d_latent):
    torch.manual_seed(heads)
    m = MultiHeadLatentAttention(24, heads, d_head, d_rope, d_latent, 12, max_seq_len=64)
    x = torch.randn(2, 13, 24)
    want = mla_with_sdpa(m, x)
    torch.testing.assert_close(m(x), want, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(m(x, absorb=True), want, rtol=1e-5, atol=1e-5)


def test_mla_decodes_from_a_latent_cache():
    torch.manual_seed(3)
    m = MultiHeadLatentAttention(24, 4, 8, 4, 10, 12, max_seq_len=64)
    x = torch.randn(2, 15, 24)
    full = m(x)
    for absorb in (False, True):
        cache = KVCache(1, 64)
        outs = [m(x[:, :6], kv_cache=cache, absorb=absorb)]
        outs += [m(x[:, t:t + 1], kv_cache=cache, absorb=absorb) for t in range(6, 15)]
        torch.testing.assert_close(torch.cat(outs, 1), full, rtol=1e-5, atol=1e-5)
        # per cached token: d_latent + d_rope floats (10 + 4), never per-head keys or values
        assert cache.keys[0].shape == (2, 1, 64, 10) and cache.values[0].shape == (2, 1, 64, 4)


def test_mla_rejects_an_odd_rope_dim():
    with pytest.raises(ValueError, match="d_rope"):
        MultiHeadLatentAttention(16, 2, 8, 3, 8, 8, max_seq_len=16)


def spec(kind: str, **kw: int) -> SimpleNamespace:
    base = dict.fromkeys(("num_heads", "d_head", "num_kv_heads", "window", "d_latent", "d_rope"))
    return SimpleNamespace(**{**base, "kind": kind, "num_heads": 32, "d_head": 128, **kw})


def test_deepseek_v2_table_1_at_7b():
    # DeepSeek-V2 Table 1 with l = 32, n_h = 32, d_h = 128, n_g = 8, d_c = 4 d_h, d_h^R = d_h / 2
    assert kv_cache_elements_per_token(spec("mha"), 32) == 2 * 32 * 128 * 32
    assert kv_cache_elements_per_token(spec("gqa", num_kv_heads=8), 32) == 2 * 8 * 128 * 32
    assert kv_cache_elements_per_token(spec("mqa"), 32) == 2 * 128 * 32
    assert kv_cache_elements_per_token(spec("mla", d_latent=512, d_rope=64), 32) == 4.5 * 128 * 32
    window = spec("sliding_window", num_kv_heads=8, window=4096)
    assert kv_cache_bytes(window, 32, 100_000) == kv_cache_bytes(window, 32, 4096) == 4096 * 65_536 * 2


def test_accounting_equals_the_real_caches():
    torch.manual_seed(0)
    x = torch.randn(2, 9, 16)
    cases = []
    for kv in (4, 2, 1):
        attn, cache = MultiHeadSelfAttention(16, 4, num_kv_heads=kv), KVCache(1, 9)
        attn(x, kv_cache=cache)
        kind = {4: "mha", 2: "gqa", 1: "mqa"}[kv]
        cases.append((spec(kind, num_heads=4, d_head=4, num_kv_heads=kv), cache))
    sw, cache = SlidingWindowSelfAttention(16, 4, 3, num_kv_heads=2), SlidingWindowKVCache(1, 3)
    sw(x, kv_cache=cache)
    cases.append((spec("sliding_window", num_heads=4, d_head=4, num_kv_heads=2, window=3), cache))
    mla, cache = MultiHeadLatentAttention(16, 4, 4, 2, 6, 8, max_seq_len=9), KVCache(1, 9)
    mla(x, kv_cache=cache)
    cases.append((spec("mla", num_heads=4, d_head=4, d_latent=6, d_rope=2), cache))
    for s, cache in cases:
        assert kv_cache_bytes(s, 1, 9, batch_size=2, dtype_bytes=4) == cache_bytes(cache), s.kind


@pytest.mark.parametrize("bad", [spec("linear"), spec("gqa"), spec("sliding_window", num_kv_heads=8),
                                 spec("mla", d_latent=512)])
def test_accounting_rejects_bad_specs(bad):
    with pytest.raises(ValueError):
        kv_cache_bytes(bad, 4, 128)
