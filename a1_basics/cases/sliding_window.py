"""Cases for the optional unit a1.sliding_window (HANDOUT §11.1): the window mask, the attention over it, and a
SlidingWindowKVCache whose decoding equals the full forward under the same window while its memory never grows
past `window` positions.

The oracle (a1_basics/oracles/sliding_window.py, instructor-only) is a float64 numpy loop over every query, reading
only the keys j with i - window < j <= i, with its own real-form RoPE; it shares no code with the reference (which
masks a full score matrix). The mask has its own loop oracle, and a window that covers the sequence is checked
against a1.mhsa's naive causal oracle (oracles/model.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.model import MODEL_CLOSE, THETA, attn_weights
from shared.cases import Case, Impl, Oracles, Suite, exact, fields, predicate, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.sliding_window")  # expected values: instructor-only, never released
MODEL_ORACLES = Oracles("a1_basics.oracles.model")
MAX_SEQ_LEN = 64


# ---- inputs ----

def mask_inputs(rng: np.random.Generator) -> dict:
    """Queries at positions start .. start + n_q - 1 against keys from k_start (a cache's view) to the last query.
    Some key lies exactly `window` before the last query (k_start <= last - window), so the window's edge is
    always in view: a mask one position too wide or too narrow differs from the answer. The mask depends only on
    the window, n_q and the keys' offset, so the ranges are wide: hidden draws must not repeat a visible answer
    (with windows and n_q below 10, a fresh secret's hidden draw did, grader/replay.py)."""
    window, n_q = int(rng.integers(1, 25)), int(rng.integers(1, 25))
    start = int(rng.integers(window, 60))
    k_start = int(rng.integers(max(0, start - 30), start + n_q - window))
    return {"q_positions": np.arange(start, start + n_q, dtype=np.int64),
            "k_positions": np.arange(k_start, start + n_q, dtype=np.int64), "window": window}


def window_inputs(num_heads: int = 4, num_kv_heads: int = 2, rope: bool = True, batch: tuple[int, ...] = (2,),
                  seq_range: tuple[int, int] = (9, 15), window_range: tuple[int, int] = (2, 6),
                  chunks: str | None = None) -> Callable[[np.random.Generator], dict]:
    """x (*batch, seq, d_model) and MultiHeadSelfAttention weights; chunks: None (one full forward), "tokens"
    (a prompt longer than the window, then one token per call) or "mixed" (a chunk longer than the window among
    short ones)."""

    def make(rng: np.random.Generator) -> dict:
        d_model = num_heads * int(rng.choice([4, 8]))
        seq, window = int(rng.integers(*seq_range)), int(rng.integers(*window_range))
        inp = {"d_model": d_model, "num_heads": num_heads, "num_kv_heads": num_kv_heads, "window": window,
               "x": randn(rng, (*batch, seq, d_model)), "weights": attn_weights(rng, d_model, num_heads, num_kv_heads)}
        if rope:
            inp.update(theta=float(rng.choice([100.0, THETA])), max_seq_len=MAX_SEQ_LEN)
        if chunks == "tokens":
            prompt = int(rng.integers(window + 1, seq - 2))
            inp["chunks"] = [prompt] + [1] * (seq - prompt)
        elif chunks == "mixed":
            first = int(rng.integers(1, 3))
            long = min(window + int(rng.integers(1, 4)), seq - first - 1)
            rest = seq - first - long
            inp["chunks"] = [first, long] + [1] * (rest % 2) + [2] * (rest // 2)
        return inp

    return make


def covering_inputs(rng: np.random.Generator) -> dict:
    """A window at least the sequence length: plain causal attention, in the input format of a1.mhsa's oracle."""
    inp = window_inputs(seq_range=(5, 11))(rng)
    inp["window"] = inp["x"].shape[-2] + int(rng.integers(0, 20))
    return inp


# ---- runs (worker side) ----

def build(impl: Impl, inp: dict) -> Any:
    kwargs: dict[str, Any] = {"num_kv_heads": inp["num_kv_heads"]}
    if "theta" in inp:
        kwargs.update(max_seq_len=inp["max_seq_len"], theta=inp["theta"])
    attn = impl.SlidingWindowSelfAttention(inp["d_model"], inp["num_heads"], inp["window"], **kwargs)
    attn.load_state_dict({k: tensor(v) for k, v in inp["weights"].items()})
    return attn


def run_mask(impl: Impl, inp: dict) -> Any:
    out = impl.sliding_window_mask(tensor(inp["q_positions"]), tensor(inp["k_positions"]), inp["window"])
    return np.asarray(out, dtype=bool)


def run_forward(impl: Impl, inp: dict) -> Any:
    import torch

    with torch.no_grad():
        return build(impl, inp)(tensor(inp["x"]))


def run_chunks(impl: Impl, inp: dict, cache: Any = None) -> Any:
    """The chunks of inp["x"] through one SlidingWindowKVCache (num_layers 1); every chunk's output, concatenated."""
    import torch

    attn = build(impl, inp)
    cache = impl.SlidingWindowKVCache(1, inp["window"]) if cache is None else cache
    x, out, at = tensor(inp["x"]), [], 0
    with torch.no_grad():
        for n in inp["chunks"]:
            out.append(attn(x[..., at:at + n, :], kv_cache=cache, layer_idx=0))
            at += n
    return torch.cat(out, dim=-2)


def tensor_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes of every torch tensor reachable from obj's attributes (lists, tuples, dicts and objects followed),
    each storage counted once: what a cache object holds in memory."""
    import torch

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        storage = obj.untyped_storage()
        if storage.data_ptr() in seen:
            return 0
        seen.add(storage.data_ptr())
        return storage.nbytes()
    if isinstance(obj, dict):
        return sum(tensor_bytes(v, seen) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(tensor_bytes(v, seen) for v in obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return sum(tensor_bytes(v, seen) for v in vars(obj).values())
    return 0


def run_bounded(impl: Impl, inp: dict) -> dict:
    """Decodes one token per call after the prompt, recording the bytes the cache holds after every call."""
    import torch

    attn = build(impl, inp)
    cache = impl.SlidingWindowKVCache(1, inp["window"])
    x, out, sizes, at = tensor(inp["x"]), [], [], 0
    with torch.no_grad():
        for n in inp["chunks"]:
            out.append(attn(x[..., at:at + n, :], kv_cache=cache, layer_idx=0))
            sizes.append(tensor_bytes(cache))
            at += n
    return {"out": torch.cat(out, dim=-2), "bytes": sizes}


def window_bytes(inp: dict) -> int:
    """The most a window's cache needs: keys and values of `window` positions (float32), per batch row and kv head."""
    d_head = inp["d_model"] // inp["num_heads"]
    return 2 * int(np.prod(inp["x"].shape[:-2])) * inp["num_kv_heads"] * inp["window"] * d_head * 4


def cache_within_window(inp: dict, sizes: list) -> tuple[bool, str]:
    bound = window_bytes(inp)
    if len(sizes) != len(inp["chunks"]):
        return False, f"expected {len(inp['chunks'])} measurements, got {len(sizes)}"
    for step, size in enumerate(sizes):
        if int(size) > bound:
            return False, (f"after call {step} (position {sum(inp['chunks'][:step + 1]) - 1}) the cache holds "
                           f"{int(size)} bytes of tensors; keys and values of window={inp['window']} positions "
                           f"take {bound}")
    return True, ""


def run_bad_window(impl: Impl, inp: dict) -> Any:
    import torch

    w = inp["window"]
    if inp["which"] == "mask":
        return impl.sliding_window_mask(torch.arange(4), torch.arange(4), w)
    if inp["which"] == "cache":
        return impl.SlidingWindowKVCache(2, w)
    return impl.SlidingWindowSelfAttention(16, 4, w)


def bad_window_inputs(rng: np.random.Generator) -> dict:
    return {"window": -int(rng.integers(0, 1000)), "which": str(rng.choice(["mask", "cache", "attention"]))}


CACHE_COMPARE = fields(out=MODEL_CLOSE,
                       bytes=predicate("the cache never holds more than window positions", cache_within_window))

SUITE = Suite(cases=(
    Case(name="sliding_window/mask", inputs=mask_inputs, compare=exact(), run=run_mask, expect=ORACLES.expect_mask,
         hidden_draws=2, note="mask[i, j] is True exactly when q_i - window < k_j <= q_i (a loop in the oracle)"),
    Case(name="sliding_window/forward_gqa_rope", inputs=window_inputs(), compare=MODEL_CLOSE, run=run_forward,
         expect=ORACLES.expect_forward, hidden_draws=2,
         note="x (2, seq, d_model), 4 heads / 2 kv heads, RoPE, window 2-5: against a float64 loop over queries"),
    Case(name="sliding_window/forward_mha_no_rope", inputs=window_inputs(4, 4, rope=False, batch=(3,)),
         compare=MODEL_CLOSE, run=run_forward, expect=ORACLES.expect_forward,
         note="4 heads, no RoPE: only the window decides what each query sees"),
    Case(name="sliding_window/window_covers_sequence", inputs=covering_inputs, compare=MODEL_CLOSE, run=run_forward,
         expect=MODEL_ORACLES.expect_mhsa,
         note="window >= seq: exactly causal multi-head attention (a1.mhsa's float64 oracle)"),
    Case(name="sliding_window/decode_prompt_then_tokens", inputs=window_inputs(chunks="tokens", seq_range=(12, 17)),
         compare=MODEL_CLOSE, run=run_chunks, expect=ORACLES.expect_forward, hidden_draws=2,
         note="a prompt longer than the window, then one token per call through a SlidingWindowKVCache: equals "
              "the full forward under the same window"),
    Case(name="sliding_window/decode_mixed_chunks", inputs=window_inputs(chunks="mixed", seq_range=(12, 17)),
         compare=MODEL_CLOSE, run=run_chunks, expect=ORACLES.expect_forward,
         note="a chunk longer than the window among short ones: each query still sees its last `window` keys"),
    Case(name="sliding_window/cache_bounded", inputs=window_inputs(chunks="tokens", seq_range=(14, 19)),
         compare=CACHE_COMPARE, run=run_bounded, expect=ORACLES.expect_bounded,
         note="after every call the cache's tensors take at most 2 * window * kv_heads * d_head * batch floats, "
              "and the outputs equal the full forward"),
    Case(name="sliding_window/window_not_positive_raises", inputs=bad_window_inputs, compare=raises(ValueError),
         run=run_bad_window, note="window < 1 in the mask, the cache or the attention: ValueError"),
))
