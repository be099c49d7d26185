"""KV-cache memory and decoding speed of the attention variants of HANDOUT §11 on the CPU, beside multi-head
attention (the anchor), all measured in the same run at one model size.

A stack of attention layers (with residuals; no feed-forward, which every variant shares) decodes one token at a
time after a prompt, through each variant's real cache: MHA, GQA and MQA with KVCache, a sliding window with its
SlidingWindowKVCache, MLA (plain and absorbed) with a KVCache holding c_KV and k_R. Bytes are the tensors each cache
holds after the run; tokens/s is the decode loop's (the best of two runs). Quick mode: a smaller model, a shorter
prompt, seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch

from a1_basics.nn.attention import MultiHeadSelfAttention
from a1_basics.nn.kv_cache import KVCache
from a1_basics.nn.mla import MultiHeadLatentAttention
from a1_basics.nn.sliding_window import SlidingWindowKVCache, SlidingWindowSelfAttention
from shared.bench import Row

FULL = {"d_model": 512, "num_heads": 8, "num_layers": 4, "prompt": 1024, "new": 128, "window": 256}
QUICK = {"d_model": 256, "num_heads": 4, "num_layers": 2, "prompt": 128, "new": 32, "window": 64}


def cache_bytes(cache: Any) -> int:
    return sum(t.untyped_storage().nbytes() for t in (*cache.keys, *cache.values) if t is not None)


def variants(s: dict) -> dict[str, tuple[Callable[[], Any], Callable[[], Any], dict]]:
    """name -> (make a layer, make a cache, forward kwargs)."""
    d, h, L, ctx = s["d_model"], s["num_heads"], s["num_layers"], s["prompt"] + s["new"]
    d_head = d // h

    def mhsa(kv: int) -> Callable[[], Any]:
        return lambda: MultiHeadSelfAttention(d, h, max_seq_len=ctx, theta=10000.0, num_kv_heads=kv)

    def mla() -> Any:  # DeepSeek-V2's ratios: d_c = 4 d_h, d_h^R = d_h / 2, d_c' = 4 d_h
        return MultiHeadLatentAttention(d, h, d_head, d_head // 2, 4 * d_head, 4 * d_head, max_seq_len=ctx)

    kv_cache = lambda: KVCache(L, ctx)  # noqa: E731 - a factory per variant
    groups = max(2, h // 4)  # never 1: that is MQA
    return {
        "MHA": (mhsa(h), kv_cache, {}),
        f"GQA ({groups} kv heads)": (mhsa(groups), kv_cache, {}),
        "MQA": (mhsa(1), kv_cache, {}),
        f"sliding window {s['window']}": (lambda: SlidingWindowSelfAttention(d, h, s["window"], max_seq_len=ctx,
                                                                            theta=10000.0),
                                          lambda: SlidingWindowKVCache(L, s["window"]), {}),
        "MLA": (mla, kv_cache, {}),
        "MLA absorbed": (mla, kv_cache, {"absorb": True}),
    }


def decode(make_layer: Callable[[], Any], make_cache: Callable[[], Any], kwargs: dict, s: dict) -> tuple[int, float]:
    """(cache bytes after the run, decode tokens/s): the best of two decodes of s["new"] tokens after the prompt."""
    torch.manual_seed(0)
    layers = [make_layer() for _ in range(s["num_layers"])]
    x = torch.randn(1, s["prompt"] + s["new"], s["d_model"]) * 0.1
    best, size = float("inf"), 0
    with torch.no_grad():
        for _ in range(2):
            cache = make_cache()
            h = x[:, :s["prompt"]]
            for i, layer in enumerate(layers):
                h = h + layer(h, kv_cache=cache, layer_idx=i, **kwargs)
            start = time.perf_counter()
            for t in range(s["prompt"], s["prompt"] + s["new"]):
                h = x[:, t:t + 1]
                for i, layer in enumerate(layers):
                    h = h + layer(h, kv_cache=cache, layer_idx=i, **kwargs)
            best = min(best, time.perf_counter() - start)
            size = cache_bytes(cache)
    return size, s["new"] / best


def run(quick: bool) -> list[Row]:
    s = QUICK if quick else FULL
    results = {name: decode(*v, s) for name, v in variants(s).items()}
    mha_bytes, mha_tps = results["MHA"]
    shape = (f"{s['num_layers']} layers, d_model {s['d_model']}, {s['num_heads']} heads, "
             f"{s['prompt']} + {s['new']} tokens, float32")
    rows = []
    for name, (size, tps) in results.items():
        if name == "MHA":
            continue
        rows.append(Row(f"KV cache bytes, {name} ({shape})", size, "B", "MHA's KVCache", mha_bytes,
                        higher_is_better=False, note="the tensors the real cache holds after the run"))
        rows.append(Row(f"decode tokens/s, {name}", tps, "tokens/s", "MHA", mha_tps, higher_is_better=True,
                        note="one token per call through the cache, attention layers only; best of 2"))
    return rows
