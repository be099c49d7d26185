"""Cases for a1.mhsa, a1.gqa, a1.block and a1.lm (a1.kv_cache builds on them in kv_cache.py).

The oracle (a1_basics/oracles/model.py, instructor-only) is a naive float64 forward from torch.nn.functional
pieces (linear, rms_norm, silu, embedding, scaled_dot_product_attention with is_causal=True) and a complex-number
RoPE, loading the same weights by their CS336 state-dict names; it shares no code with the reference. Weights
arrive as numpy inputs, so every output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import state_dict_summary
from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.model")  # expected values: instructor-only, never released

THETA = 10000.0
# float32 chains of a few matmuls (sums of <= 64 terms), norms and softmax against float64: errors stay near
# 1e-6 of outputs of size ~1-5; 1e-4 relative with 2e-5 absolute leaves room for any summation order.
MODEL_CLOSE = close(rtol=1e-4, atol=2e-5)
# Tied embeddings: the head is the N(0, 1) embedding matrix, not an N(0, 1/d_model) one, so each logit sums d_model
# terms sqrt(d_model) ~ 5.7x larger and so are its rounding errors; near-zero logits reached 0.39 of MODEL_CLOSE's
# atol over 2000 draws. atol scales with the head: 2e-5 * sqrt(32) ~ 1e-4 (a missing final norm or an untied head
# is off by O(1)). The parameter count is an integer: exact.
TIED_COMPARE = fields(logits=close(rtol=1e-4, atol=1e-4), num_parameters=exact())


# ---- weights, by CS336 state-dict name ----

def attn_weights(rng: np.random.Generator, d_model: int, num_heads: int, num_kv_heads: int,
                 prefix: str = "") -> dict[str, np.ndarray]:
    d_kv = num_kv_heads * (d_model // num_heads)
    s = d_model**-0.5
    return {f"{prefix}q_proj.weight": randn(rng, (d_model, d_model), s),
            f"{prefix}k_proj.weight": randn(rng, (d_kv, d_model), s),
            f"{prefix}v_proj.weight": randn(rng, (d_kv, d_model), s),
            f"{prefix}output_proj.weight": randn(rng, (d_model, d_model), s)}


def block_weights(rng: np.random.Generator, cfg: dict, prefix: str = "") -> dict[str, np.ndarray]:
    d, f = cfg["d_model"], cfg["d_ff"]
    return {**attn_weights(rng, d, cfg["num_heads"], cfg["num_kv_heads"], prefix + "attn."),
            f"{prefix}ln1.weight": (1.0 + randn(rng, (d,), 0.1)).astype(np.float32),
            f"{prefix}ffn.w1.weight": randn(rng, (f, d), d**-0.5),
            f"{prefix}ffn.w2.weight": randn(rng, (d, f), f**-0.5),
            f"{prefix}ffn.w3.weight": randn(rng, (f, d), d**-0.5),
            f"{prefix}ln2.weight": (1.0 + randn(rng, (d,), 0.1)).astype(np.float32)}


def lm_weights(rng: np.random.Generator, cfg: dict) -> dict[str, np.ndarray]:
    w = {"token_embeddings.weight": randn(rng, (cfg["vocab_size"], cfg["d_model"]))}
    for i in range(cfg["num_layers"]):
        w.update(block_weights(rng, cfg, f"layers.{i}."))
    w["ln_final.weight"] = (1.0 + randn(rng, (cfg["d_model"],), 0.1)).astype(np.float32)
    # tied: the LM head is the embedding matrix; the state dict still lists it under lm_head.weight
    w["lm_head.weight"] = (w["token_embeddings.weight"] if cfg.get("tie_embeddings")
                           else randn(rng, (cfg["vocab_size"], cfg["d_model"]), cfg["d_model"]**-0.5))
    return w


# ---- attention (a1.mhsa, a1.gqa) ----

def mhsa_inputs(d_model: int, num_heads: int, num_kv_heads: int | None, rope: str | None,
                batch: tuple[int, ...] = (2,)) -> Callable[[np.random.Generator], dict]:
    """rope: None (no RoPE), "default" (positions arange(seq)) or "given" (per-row positions (batch, seq))."""

    def make(rng: np.random.Generator) -> dict:
        seq = int(rng.integers(5, 11))
        kv = num_heads if num_kv_heads is None else num_kv_heads
        inp = {"d_model": d_model, "num_heads": num_heads, "num_kv_heads": num_kv_heads,
               "x": randn(rng, (*batch, seq, d_model)), "weights": attn_weights(rng, d_model, num_heads, kv)}
        if rope is not None:
            inp.update(theta=float(rng.choice([100.0, THETA])), max_seq_len=64)
        if rope == "given":
            starts = rng.integers(0, 64 - seq, size=batch)
            inp["positions"] = (starts[..., None] + np.arange(seq)).astype(np.int64)
        return inp

    return make


def build_mhsa(impl: Impl, inp: dict) -> Any:
    kwargs = {} if inp["num_kv_heads"] is None else {"num_kv_heads": inp["num_kv_heads"]}
    if "theta" in inp:
        kwargs.update(max_seq_len=inp["max_seq_len"], theta=inp["theta"])
    return impl.MultiHeadSelfAttention(inp["d_model"], inp["num_heads"], **kwargs)


def run_mhsa(impl: Impl, inp: dict) -> Any:
    attn = build_mhsa(impl, inp)
    attn.load_state_dict({k: tensor(v) for k, v in inp["weights"].items()})
    positions = tensor(inp["positions"]) if "positions" in inp else None
    return attn(tensor(inp["x"]), token_positions=positions)


def run_mhsa_state_dict(impl: Impl, inp: dict) -> dict:
    summary = state_dict_summary(build_mhsa(impl, inp))
    return {"keys": summary["keys"], "shapes": summary["shapes"]}


def bad_heads_inputs(rng: np.random.Generator) -> dict:
    """Drawn from wide ranges, so no hidden draw repeats a visible one (grader/replay.py)."""
    h = int(rng.integers(2, 17))
    if rng.random() < 0.5:  # heads do not divide d_model
        return {"d_model": h * int(rng.integers(1, 9)) + int(rng.integers(1, h)), "num_heads": h, "num_kv_heads": None}
    h = int(rng.choice([5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]))
    kv = int(rng.choice([k for k in range(2, h) if h % k]))  # kv heads do not divide heads
    return {"d_model": h * int(rng.integers(1, 9)), "num_heads": h, "num_kv_heads": kv}


def run_bad_heads(impl: Impl, inp: dict) -> Any:
    build_mhsa(impl, inp)
    return "constructed"


# ---- block and LM ----

BLOCK_CFG = {"d_model": 32, "num_heads": 4, "num_kv_heads": 4, "d_ff": 64, "max_seq_len": 32}


def block_inputs(num_kv_heads: int) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        cfg = {**BLOCK_CFG, "num_kv_heads": num_kv_heads, "theta": float(rng.choice([500.0, THETA]))}
        seq = int(rng.integers(6, 13))
        return {"cfg": cfg, "x": randn(rng, (2, seq, cfg["d_model"])), "weights": block_weights(rng, cfg)}

    return make


def build_block(impl: Impl, cfg: dict) -> Any:
    kwargs = {} if cfg["num_kv_heads"] == cfg["num_heads"] else {"num_kv_heads": cfg["num_kv_heads"]}
    return impl.TransformerBlock(cfg["d_model"], cfg["num_heads"], cfg["d_ff"], cfg["max_seq_len"], cfg["theta"],
                                 **kwargs)


def run_block(impl: Impl, inp: dict) -> Any:
    block = build_block(impl, inp["cfg"])
    block.load_state_dict({k: tensor(v) for k, v in inp["weights"].items()})
    return block(tensor(inp["x"]))


def run_block_state_dict(impl: Impl, inp: dict) -> dict:
    summary = state_dict_summary(build_block(impl, inp["cfg"]))
    return {"keys": summary["keys"], "shapes": summary["shapes"]}


LM_CFG = {"vocab_size": 48, "context_length": 16, "d_model": 32, "num_layers": 2, "num_heads": 4,
          "num_kv_heads": 4, "d_ff": 64, "rope_theta": THETA, "tie_embeddings": False}


def lm_inputs(num_kv_heads: int = 4, tie: bool = False, batch: int = 2,
              seq_range: tuple[int, int] = (8, 13)) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        cfg = {**LM_CFG, "num_kv_heads": num_kv_heads, "tie_embeddings": tie}
        seq = int(rng.integers(*seq_range))
        ids = rng.integers(0, cfg["vocab_size"], size=(batch, seq)).astype(np.int64)
        return {"cfg": cfg, "ids": ids, "weights": lm_weights(rng, cfg)}

    return make


def build_lm(impl: Impl, inp: dict) -> Any:
    cfg = inp["cfg"]
    kwargs = {} if cfg["num_kv_heads"] == cfg["num_heads"] else {"num_kv_heads": cfg["num_kv_heads"]}
    if cfg["tie_embeddings"]:
        kwargs["tie_embeddings"] = True
    model = impl.TransformerLM(cfg["vocab_size"], cfg["context_length"], cfg["d_model"], cfg["num_layers"],
                               cfg["num_heads"], cfg["d_ff"], cfg["rope_theta"], **kwargs)
    model.load_state_dict({k: tensor(v) for k, v in inp["weights"].items()})
    return model


def run_lm(impl: Impl, inp: dict) -> Any:
    return build_lm(impl, inp)(tensor(inp["ids"]))


def run_lm_tied(impl: Impl, inp: dict) -> dict:
    model = build_lm(impl, inp)
    n_params = sum(p.numel() for p in model.parameters())
    return {"logits": model(tensor(inp["ids"])), "num_parameters": int(n_params)}


def run_lm_state_dict(impl: Impl, inp: dict) -> dict:
    summary = state_dict_summary(build_lm(impl, inp))
    return {"keys": summary["keys"], "shapes": summary["shapes"]}


SUITE = Suite(cases=(
    Case(name="mhsa/no_rope", inputs=mhsa_inputs(16, 4, None, None), compare=MODEL_CLOSE, run=run_mhsa,
         expect=ORACLES.expect_mhsa,
         note="causal attention without RoPE: x (2, seq, 16), 4 heads, against a float64 naive "
              "version (torch's fused causal attention)"),
    Case(name="mhsa/rope_default_positions", inputs=mhsa_inputs(32, 4, None, "default"), compare=MODEL_CLOSE,
         run=run_mhsa, expect=ORACLES.expect_mhsa, hidden_draws=2,
         note="RoPE on q and k (not v) at positions arange(seq); x (2, seq, 32), 4 heads of 8"),
    Case(name="mhsa/rope_given_positions", inputs=mhsa_inputs(32, 2, None, "given"), compare=MODEL_CLOSE,
         run=run_mhsa, expect=ORACLES.expect_mhsa,
         note="token_positions (2, seq) starting past 0, one row per batch element; the mask stays causal"),
    Case(name="mhsa/state_dict", inputs=mhsa_inputs(32, 4, None, "default"), compare=exact(),
         run=run_mhsa_state_dict, expect=ORACLES.expect_mhsa_state_dict, hidden_draws=0,
         note="parameters q_proj/k_proj/v_proj/output_proj.weight, each (d_model, d_model); RoPE adds none"),
    Case(name="mhsa/bad_heads_raises", inputs=bad_heads_inputs, compare=raises(ValueError),
         run=run_bad_heads, note="num_heads not dividing d_model (or num_kv_heads not dividing num_heads): ValueError"),
    Case(name="gqa/two_kv_heads", inputs=mhsa_inputs(32, 4, 2, "default"), compare=MODEL_CLOSE, run=run_mhsa,
         expect=ORACLES.expect_mhsa, hidden_draws=2,
         note="4 query heads share 2 kv heads: query head h reads kv head h // 2 (repeat_interleave)"),
    Case(name="gqa/multi_query", inputs=mhsa_inputs(16, 4, 1, "default"), compare=MODEL_CLOSE, run=run_mhsa,
         expect=ORACLES.expect_mhsa, note="one kv head shared by all 4 query heads (multi-query attention)"),
    Case(name="gqa/state_dict", inputs=mhsa_inputs(32, 8, 2, "default"), compare=exact(),
         run=run_mhsa_state_dict, expect=ORACLES.expect_mhsa_state_dict, hidden_draws=0,
         note="k_proj and v_proj are (num_kv_heads * d_head, d_model) = (8, 32) with 8 heads and 2 kv heads"),
    Case(name="block/forward", inputs=block_inputs(4), compare=MODEL_CLOSE, run=run_block,
         expect=ORACLES.expect_block, hidden_draws=2,
         note="pre-norm block x + attn(ln1(x)), then + ffn(ln2(.)); x (2, seq, 32), RoPE"),
    Case(name="block/gqa", inputs=block_inputs(2), compare=MODEL_CLOSE, run=run_block, expect=ORACLES.expect_block,
         note="the block passes num_kv_heads on to its attention"),
    Case(name="block/state_dict", inputs=block_inputs(4), compare=exact(), run=run_block_state_dict,
         expect=ORACLES.expect_mhsa_state_dict, hidden_draws=0,
         note="names attn.{q,k,v,output}_proj.weight, ln1.weight, ffn.w1/w2/w3.weight, "
                                           "ln2.weight"),
    Case(name="lm/forward", inputs=lm_inputs(), compare=MODEL_CLOSE, run=run_lm, expect=ORACLES.expect_lm,
         hidden_draws=2, note="2-layer LM, vocab 48, d_model 32: logits (2, seq, 48) against a float64 naive forward"),
    Case(name="lm/tied_embeddings", inputs=lm_inputs(tie=True), compare=TIED_COMPARE, run=run_lm_tied,
         expect=ORACLES.expect_lm_tied, note="tie_embeddings=True: lm_head uses the embedding matrix, counted once in "
                                             "parameters(); CS336-named weights still load"),
    Case(name="lm/state_dict", inputs=lm_inputs(num_kv_heads=2), compare=exact(), run=run_lm_state_dict,
         expect=ORACLES.expect_lm_state_dict, hidden_draws=0,
         note="CS336 names: token_embeddings, layers.{i}.*, ln_final, lm_head"),
))
