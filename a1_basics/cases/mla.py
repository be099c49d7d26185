"""Cases for the optional unit a1.mla (MultiHeadLatentAttention, HANDOUT §11.2): the forward, the absorbed form,
decoding from a KVCache that holds only c_KV and the shared RoPE key, and the state dict.

The oracle (a1_basics/oracles/mla.py, instructor-only) is DeepSeek-V2's equations (9)-(19) in float64 numpy, token
by token and head by head, with its own real-form RoPE; it shares no code with the reference. The absorbed form and
every decoding schedule are compared with the same oracle: they must give the plain forward's output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.model import MODEL_CLOSE, THETA
from a1_basics.cases.tensors import state_dict_summary
from shared.cases import Case, Impl, Oracles, Suite, exact, fields, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.mla")  # expected values: instructor-only, never released
MAX_SEQ_LEN = 64
# weight name -> (rows, cols) as functions of the sizes (Linear(d_in, d_out).weight is (d_out, d_in))
SHAPES: dict[str, Callable[[dict], tuple[int, int]]] = {
    "w_dq": lambda s: (s["d_q_latent"], s["d_model"]),
    "w_uq": lambda s: (s["num_heads"] * s["d_head"], s["d_q_latent"]),
    "w_qr": lambda s: (s["num_heads"] * s["d_rope"], s["d_q_latent"]),
    "w_dkv": lambda s: (s["d_latent"], s["d_model"]),
    "w_uk": lambda s: (s["num_heads"] * s["d_head"], s["d_latent"]),
    "w_uv": lambda s: (s["num_heads"] * s["d_head"], s["d_latent"]),
    "w_kr": lambda s: (s["d_rope"], s["d_model"]),
    "w_o": lambda s: (s["d_model"], s["num_heads"] * s["d_head"]),
}
SIZE_KEYS = ("d_model", "num_heads", "d_head", "d_rope", "d_latent", "d_q_latent")


def draw_sizes(rng: np.random.Generator, num_heads: int | None = None) -> dict:
    return {"d_model": int(rng.integers(12, 25)), "num_heads": int(rng.integers(2, 5)) if num_heads is None
            else num_heads, "d_head": int(rng.choice([4, 6, 8])), "d_rope": int(rng.choice([2, 4, 6])),
            "d_latent": int(rng.integers(6, 13)), "d_q_latent": int(rng.integers(6, 13))}


def mla_inputs(batch: tuple[int, ...] = (2,), seq_range: tuple[int, int] = (5, 11), chunks: str | None = None,
               absorb: bool = False, num_heads: int | None = None,
               positions: bool = False) -> Callable[[np.random.Generator], dict]:
    """Sizes, weights (scaled 1/sqrt(fan_in)) and x (*batch, seq, d_model). chunks: None (one call), "tokens" (a
    prompt then one token per call) or "mixed" (chunks of 1-3 tokens). positions: per-row token_positions."""

    def make(rng: np.random.Generator) -> dict:
        sizes = draw_sizes(rng, num_heads)
        seq = int(rng.integers(*seq_range))
        weights = {f"{n}.weight": randn(rng, shape(sizes), shape(sizes)[1] ** -0.5) for n, shape in SHAPES.items()}
        inp = {**sizes, "theta": float(rng.choice([100.0, THETA])), "max_seq_len": MAX_SEQ_LEN, "absorb": absorb,
               "x": randn(rng, (*batch, seq, sizes["d_model"])), "weights": weights}
        if chunks == "tokens":
            prompt = int(rng.integers(2, seq - 1))
            inp["chunks"] = [prompt] + [1] * (seq - prompt)
        elif chunks == "mixed":
            parts, left = [], seq
            while left:
                parts.append(min(left, int(rng.integers(1, 4))))
                left -= parts[-1]
            inp["chunks"] = parts
        if positions:
            starts = rng.integers(0, MAX_SEQ_LEN - seq, size=batch)
            inp["positions"] = (starts[..., None] + np.arange(seq)).astype(np.int64)
        return inp

    return make


def build(impl: Impl, inp: dict, load: bool = True) -> Any:
    mla = impl.MultiHeadLatentAttention(*(inp[k] for k in SIZE_KEYS), max_seq_len=inp["max_seq_len"],
                                        theta=inp["theta"])
    if load:
        mla.load_state_dict({k: tensor(v) for k, v in inp["weights"].items()})
    return mla


def run_forward(impl: Impl, inp: dict) -> Any:
    import torch

    positions = tensor(inp["positions"]) if "positions" in inp else None
    with torch.no_grad():
        return build(impl, inp)(tensor(inp["x"]), token_positions=positions, absorb=inp["absorb"])


def run_chunks(impl: Impl, inp: dict) -> Any:
    """The chunks of x through one KVCache (your a1.kv_cache), absorbed or not; the outputs concatenated."""
    import torch

    mla = build(impl, inp)
    cache = impl.KVCache(1, inp["max_seq_len"])
    x, out, at = tensor(inp["x"]), [], 0
    with torch.no_grad():
        for n in inp["chunks"]:
            out.append(mla(x[..., at:at + n, :], kv_cache=cache, layer_idx=0, absorb=inp["absorb"]))
            at += n
    return torch.cat(out, dim=-2)


def run_cached_tensors(impl: Impl, inp: dict) -> dict:
    """Prefill x through a KVCache whose update records what it is given: that must be c_KV and k_R only."""
    import torch

    seen: list = []

    class Recording(impl.KVCache):  # type: ignore[name-defined, misc]
        def update(self, layer_idx: int, k: Any, v: Any) -> Any:
            seen.append((k.detach().clone(), v.detach().clone()))
            return super().update(layer_idx, k, v)

    mla = build(impl, inp)
    with torch.no_grad():
        mla(tensor(inp["x"]), kv_cache=Recording(1, inp["max_seq_len"]), layer_idx=0)
    if len(seen) != 1:
        raise ValueError(f"one forward should call kv_cache.update once; it called it {len(seen)} times")
    return {"latent": seen[0][0], "rope_key": seen[0][1]}


def run_state_dict(impl: Impl, inp: dict) -> dict:
    summary = state_dict_summary(build(impl, inp, load=False))
    return {"keys": summary["keys"], "shapes": summary["shapes"]}


def state_dict_inputs(rng: np.random.Generator) -> dict:
    # wide ranges (millions of configurations): no hidden draw repeats a visible one
    return {"d_model": int(rng.integers(4, 129)), "num_heads": int(rng.integers(1, 9)),
            "d_head": int(rng.integers(1, 33)), "d_rope": 2 * int(rng.integers(1, 9)),
            "d_latent": int(rng.integers(1, 65)), "d_q_latent": int(rng.integers(1, 65)), "theta": THETA,
            "max_seq_len": MAX_SEQ_LEN}


def run_construct(impl: Impl, inp: dict) -> Any:
    build(impl, inp, load=False)
    return "constructed"


def odd_rope_inputs(rng: np.random.Generator) -> dict:
    inp = state_dict_inputs(rng)
    inp["d_rope"] = 2 * int(rng.integers(0, 9)) + 1
    return inp


CACHED_COMPARE = fields(latent=MODEL_CLOSE, rope_key=MODEL_CLOSE)

SUITE = Suite(cases=(
    Case(name="mla/forward", inputs=mla_inputs(), compare=MODEL_CLOSE, run=run_forward, expect=ORACLES.expect_forward,
         hidden_draws=2,
         note="x (2, seq, d_model): eqs. (9)-(19) of DeepSeek-V2 in float64, token by token and head by head"),
    Case(name="mla/forward_absorbed", inputs=mla_inputs(absorb=True), compare=MODEL_CLOSE, run=run_forward,
         expect=ORACLES.expect_forward, hidden_draws=2,
         note="absorb=True (W_UK folded into the queries, W_UV after attending over latents): the same output"),
    Case(name="mla/decode_prompt_then_tokens", inputs=mla_inputs(chunks="tokens", seq_range=(6, 12)),
         compare=MODEL_CLOSE, run=run_chunks, expect=ORACLES.expect_forward, hidden_draws=2,
         note="a prompt then one token per call through a KVCache holding c_KV and k_R: equals the full forward"),
    Case(name="mla/decode_absorbed_chunks", inputs=mla_inputs(chunks="mixed", absorb=True, seq_range=(6, 12)),
         compare=MODEL_CLOSE, run=run_chunks, expect=ORACLES.expect_forward,
         note="chunks of 1-3 tokens in the absorbed form, decoding from the latent cache"),
    Case(name="mla/cache_holds_latent_and_rope_key", inputs=mla_inputs(seq_range=(3, 9)), compare=CACHED_COMPARE,
         run=run_cached_tensors, expect=ORACLES.expect_cached,
         note="what update() receives: c_KV = W_DKV h as keys (*batch, 1, seq, d_latent), k_R = RoPE(W_KR h) as "
              "values (*batch, 1, seq, d_rope)"),
    Case(name="mla/state_dict", inputs=state_dict_inputs, compare=exact(), run=run_state_dict,
         expect=ORACLES.expect_state_dict,
         note="w_dq, w_uq, w_qr, w_dkv, w_uk, w_uv, w_kr, w_o, each a bias-free Linear's weight"),
    Case(name="mla/odd_rope_raises", inputs=odd_rope_inputs, compare=raises(ValueError),
         run=run_construct, note="an odd d_rope: ValueError"),
))
