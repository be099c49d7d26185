"""Cases for the optional unit a1.kv_accounting (HANDOUT §11.3): KV-cache values per token and bytes per sequence
for MHA, GQA, MQA, a sliding window and MLA.

The formulas are checked against DeepSeek-V2's Table 1, restated in the oracles (a1_basics/oracles/kv_accounting.py),
and against real caches: the case builds your attention modules and caches (a1.mhsa with your KVCache for MHA, GQA
and MQA, your SlidingWindowSelfAttention with its SlidingWindowKVCache, your MultiHeadLatentAttention with a
KVCache), fills them with a sequence, and sums the bytes of the tensors each cache holds. The worked example is a
7B-class configuration whose figures the handout derives by hand.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, exact, fields, raises

ORACLES = Oracles("a1_basics.oracles.kv_accounting")  # expected values: instructor-only, never released
KINDS = ("mha", "gqa", "mqa", "sliding_window", "mla")
SPEC_FIELDS = ("kind", "num_heads", "d_head", "num_kv_heads", "window", "d_latent", "d_rope")


def random_spec(rng: np.random.Generator, kind: str, small: bool = False) -> dict:
    """An attention shape of this kind; fields the kind does not read are None. `small`: sizes a CPU can build."""
    heads = int(rng.choice([2, 4] if small else [4, 8, 16, 32, 64]))
    spec = dict.fromkeys(SPEC_FIELDS)
    spec.update(kind=kind, num_heads=heads, d_head=int(rng.choice([2, 4] if small else [32, 64, 96, 128])))
    if kind in ("gqa", "sliding_window"):
        spec["num_kv_heads"] = heads // int(rng.choice([1, 2] if kind == "sliding_window" else [2, heads]))
    if kind == "sliding_window":
        spec["window"] = int(rng.integers(2, 6) if small else rng.integers(64, 8193))
    if kind == "mla":
        spec["d_latent"] = int(rng.integers(3, 9) if small else 64 * rng.integers(2, 17))
        spec["d_rope"] = 2 * int(rng.integers(1, 3) if small else rng.integers(8, 65))
    return spec


def spec_of(spec: dict) -> Any:
    """What student code receives: an object with the fields as attributes (None where the kind reads none)."""
    return SimpleNamespace(**spec)


def elements_inputs(rng: np.random.Generator) -> dict:
    return {"specs": [random_spec(rng, k) for k in KINDS], "num_layers": int(rng.integers(1, 97))}


def run_elements(impl: Impl, inp: dict) -> list:
    return [int(impl.kv_cache_elements_per_token(spec_of(s), inp["num_layers"])) for s in inp["specs"]]


def bytes_inputs(rng: np.random.Generator) -> dict:
    specs = [random_spec(rng, k) for k in (*KINDS, "sliding_window")]
    seq = int(rng.integers(16, 32769))
    specs[3]["window"], specs[5]["window"] = int(rng.integers(1, seq)), seq + int(rng.integers(0, 4096))  # both sides
    return {"specs": specs, "num_layers": int(rng.integers(1, 97)), "seq_len": seq,
            "batch_size": int(rng.integers(1, 65)), "dtype_bytes": int(rng.choice([1, 2, 4]))}


def run_bytes(impl: Impl, inp: dict) -> list:
    return [int(impl.kv_cache_bytes(spec_of(s), inp["num_layers"], inp["seq_len"], inp["batch_size"],
                                    inp["dtype_bytes"])) for s in inp["specs"]]


# ---- the real caches ----

def real_cache_inputs(rng: np.random.Generator) -> dict:
    specs = [random_spec(rng, k, small=True) for k in KINDS]
    seq = int(rng.integers(7, 13))  # longer than every window (at most 5)
    return {"specs": specs, "num_layers": int(rng.integers(1, 3)), "seq_len": seq,
            "batch_size": int(rng.integers(1, 3)), "d_model": 16, "seed": int(rng.integers(0, 2**31))}


def fill_cache(impl: Impl, spec: dict, num_layers: int, seq: int, batch: int, d_model: int) -> Any:
    """Your modules of this kind, one per layer (random init), run over a random sequence through your cache."""
    import torch

    kind, heads, d_head = spec["kind"], spec["num_heads"], spec["d_head"]
    x = torch.randn(batch, seq, d_model)
    if kind == "mla":
        layers = [impl.MultiHeadLatentAttention(d_model, heads, d_head, spec["d_rope"], spec["d_latent"], 8,
                                                max_seq_len=seq) for _ in range(num_layers)]
        cache = impl.KVCache(num_layers, seq)
    elif kind == "sliding_window":
        layers = [impl.SlidingWindowSelfAttention(heads * d_head, heads, spec["window"], max_seq_len=seq,
                                                  theta=10000.0, num_kv_heads=spec["num_kv_heads"])
                  for _ in range(num_layers)]
        cache = impl.SlidingWindowKVCache(num_layers, spec["window"])
    else:
        kv = {"mha": heads, "mqa": 1, "gqa": spec["num_kv_heads"]}[kind]
        layers = [impl.MultiHeadSelfAttention(heads * d_head, heads, max_seq_len=seq, theta=10000.0, num_kv_heads=kv)
                  for _ in range(num_layers)]
        cache = impl.KVCache(num_layers, seq)
    with torch.no_grad():
        for i, layer in enumerate(layers):
            h = x if kind == "mla" else torch.randn(batch, seq, heads * d_head)
            layer(h[:, :seq - 1], kv_cache=cache, layer_idx=i)  # a prompt, then one more token
            layer(h[:, seq - 1:], kv_cache=cache, layer_idx=i)
    return cache


def run_real_caches(impl: Impl, inp: dict) -> dict:
    """Your formula (float32: 4 bytes) beside the bytes of your real caches' tensors."""
    import torch

    from a1_basics.cases.sliding_window import tensor_bytes

    torch.manual_seed(inp["seed"])
    L, seq, batch = inp["num_layers"], inp["seq_len"], inp["batch_size"]
    formula = [int(impl.kv_cache_bytes(spec_of(s), L, seq, batch, 4)) for s in inp["specs"]]
    measured = [tensor_bytes(fill_cache(impl, s, L, seq, batch, inp["d_model"])) for s in inp["specs"]]
    return {"formula": formula, "measured": measured}


# ---- the worked example: a 7B-class model (HANDOUT §11.3) ----

LLAMA_7B = {"num_heads": 32, "d_head": 128}
TABLE_7B = [
    {**dict.fromkeys(SPEC_FIELDS), **LLAMA_7B, "kind": "mha"},
    {**dict.fromkeys(SPEC_FIELDS), **LLAMA_7B, "kind": "gqa", "num_kv_heads": 8},
    {**dict.fromkeys(SPEC_FIELDS), **LLAMA_7B, "kind": "mqa"},
    {**dict.fromkeys(SPEC_FIELDS), **LLAMA_7B, "kind": "sliding_window", "num_kv_heads": 8, "window": 4096},
    {**dict.fromkeys(SPEC_FIELDS), **LLAMA_7B, "kind": "mla", "d_latent": 512, "d_rope": 64},
]


def run_table(impl: Impl, inp: dict) -> dict:
    return {"elements": run_elements(impl, inp),
            "bytes_32k_bf16": [int(impl.kv_cache_bytes(spec_of(s), inp["num_layers"], 32768, 1, 2))
                               for s in inp["specs"]]}


def bad_kind_inputs(rng: np.random.Generator) -> dict:
    spec = random_spec(rng, "mha")
    spec["kind"] = str(rng.choice(["MHA", "multi-query", "gqa8", "latent", "sliding", "flash", ""]))
    return {"spec": spec, "num_layers": int(rng.integers(1, 97))}


def run_bad(impl: Impl, inp: dict) -> Any:
    return impl.kv_cache_elements_per_token(spec_of(inp["spec"]), inp["num_layers"])


SUITE = Suite(cases=(
    Case(name="kv_accounting/elements_per_token", inputs=elements_inputs, compare=exact(), run=run_elements,
         expect=ORACLES.expect_elements, hidden_draws=2,
         note="values cached per token over all layers, one spec of each kind, against DeepSeek-V2's Table 1"),
    Case(name="kv_accounting/bytes", inputs=bytes_inputs, compare=exact(), run=run_bytes,
         expect=ORACLES.expect_bytes, hidden_draws=2,
         note="bytes for batch x seq_len tokens: windows shorter and longer than the sequence, 1/2/4-byte dtypes"),
    Case(name="kv_accounting/matches_real_caches", inputs=real_cache_inputs,
         compare=fields(formula=exact(), measured=exact()), run=run_real_caches, expect=ORACLES.expect_real_caches,
         note="your formula, and the bytes of the tensors of your real KVCache / SlidingWindowKVCache / MLA cache "
              "after a sequence, both equal Table 1's count (float32)"),
    Case(name="kv_accounting/table_7b", inputs=lambda rng: {"specs": TABLE_7B, "num_layers": 32},
         compare=exact(), run=run_table, expect=ORACLES.expect_table_7b, seeds=(0,), hidden_draws=0,
         note="worked example: 32 layers of 32 heads of 128; MHA 262,144 values per token, MLA 18,432 (4.5 d_h l)"),
    Case(name="kv_accounting/unknown_kind_raises", inputs=bad_kind_inputs, compare=raises(ValueError), run=run_bad,
         note="a kind outside mha, gqa, mqa, sliding_window, mla: ValueError"),
))
