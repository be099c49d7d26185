"""Cases for a1.accounting. Parameter counts are checked against the parameter shapes of a real LM (the naive
model of cases/model.py, independent of any formula), FLOPs against torch.utils.flop_counter.FlopCounterMode
counting a real float64 forward (and forward + backward) of that naive model, and the GPT-2 XL shape against
the worked example of the handout. The activation estimate is the handout's formula, restated here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from a1_basics.cases.model import lm_shapes, lm_weights, naive_lm
from shared.cases import Case, Impl, Suite, close, exact, fields

FIELDS = ("vocab_size", "context_length", "d_model", "num_layers", "num_heads", "d_ff", "rope_theta", "num_kv_heads",
          "tie_embeddings", "rmsnorm_eps")


def random_config(rng: np.random.Generator, kv: str, tie: bool) -> dict:
    num_heads = int(rng.choice([2, 4, 8]))
    d_model = num_heads * int(rng.choice([4, 8]))
    return {"vocab_size": int(rng.integers(20, 80)), "context_length": int(rng.integers(4, 17)), "d_model": d_model,
            "num_layers": int(rng.integers(1, 4)), "num_heads": num_heads, "d_ff": int(rng.integers(8, 65)),
            "rope_theta": 10000.0, "num_kv_heads": None if kv == "mha" else (num_heads // 2 if kv == "gqa" else 1),
            "tie_embeddings": tie, "rmsnorm_eps": 1e-5}


def config_of(cfg: dict) -> Any:
    """What the case hands to student code: an object with ModelConfig's fields (the module map exposes no
    ModelConfig, and accounting reads fields only)."""
    return SimpleNamespace(**{k: cfg[k] for k in FIELDS})


def count_inputs(rng: np.random.Generator) -> dict:
    return {"configs": [random_config(rng, kv, tie) for kv, tie in
                        (("mha", False), ("gqa", False), ("mha", True), ("mqa", True))]}


def run_count(impl: Impl, inp: dict) -> list:
    return [int(impl.count_parameters(config_of(c))) for c in inp["configs"]]


def expect_count(inp: dict) -> list:
    return [sum(int(np.prod(s)) for s in lm_shapes(c).values()) for c in inp["configs"]]


def flops_inputs(rng: np.random.Generator) -> dict:
    return {"config": random_config(rng, str(rng.choice(["mha", "gqa"])), bool(rng.integers(2)))}


def run_flops(impl: Impl, inp: dict) -> list:
    cfg = config_of(inp["config"])
    return [float(impl.flops_per_token(cfg, training=False)), float(impl.flops_per_token(cfg, training=True))]


def expect_flops(inp: dict) -> list:
    """FlopCounterMode over a float64 forward of one full-context sequence, and over forward + backward."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    cfg = {**inp["config"], "num_kv_heads": inp["config"]["num_kv_heads"] or inp["config"]["num_heads"]}
    w = {k: torch.from_numpy(v.astype(np.float64)).requires_grad_() for k, v in
         lm_weights(np.random.default_rng(0), cfg).items()}
    ids = torch.arange(cfg["context_length"]).remainder(cfg["vocab_size"])[None]
    counts = []
    for training in (False, True):
        with FlopCounterMode(display=False) as counter:
            logits = naive_lm(ids, w, cfg, flops_exact=True)
            if training:
                logits.sum().backward()
        counts.append(counter.get_total_flops() / cfg["context_length"])
    return counts


def memory_inputs(rng: np.random.Generator) -> dict:
    return {"config": random_config(rng, str(rng.choice(["mha", "gqa"])), bool(rng.integers(2))),
            "batch_size": int(rng.integers(1, 9)), "dtype_bytes": int(rng.choice([2, 4]))}


def run_memory(impl: Impl, inp: dict) -> dict:
    out = impl.memory_bytes(config_of(inp["config"]), inp["batch_size"], inp["dtype_bytes"])
    return {k: int(v) for k, v in out.items()}


def expect_memory(inp: dict) -> dict:
    c, b, nbytes = inp["config"], inp["batch_size"], inp["dtype_bytes"]
    params = sum(int(np.prod(s)) for s in lm_shapes(c).values()) * nbytes
    T, d, V, H, f = c["context_length"], c["d_model"], c["vocab_size"], c["num_heads"], c["d_ff"]
    d_kv = (c["num_kv_heads"] or H) * d // H
    # per layer: ln1 in/out, q, k, v, attention output, ln2 in/out (6d + 2 d_kv per token), four SwiGLU
    # tensors (4 f), scores and probabilities (2 H T^2); then the final norm in/out, logits and their softmax
    acts = b * nbytes * (c["num_layers"] * (T * (6 * d + 2 * d_kv + 4 * f) + 2 * H * T * T) + T * (2 * d + 2 * V))
    out = {"parameters": params, "gradients": params, "optimizer_state": 2 * params, "activations": acts}
    return {**out, "total": sum(out.values())}


GPT2_XL = {"vocab_size": 50257, "context_length": 1024, "d_model": 1600, "num_layers": 48, "num_heads": 25,
           "d_ff": 4288, "rope_theta": 10000.0, "num_kv_heads": None, "tie_embeddings": False, "rmsnorm_eps": 1e-5}


def run_gpt2_xl(impl: Impl, inp: dict) -> dict:
    cfg = config_of(inp["config"])
    return {"parameters": int(impl.count_parameters(cfg)), "forward_flops": float(impl.flops_per_token(cfg, False))}


# Worked in the handout: 2·V·d + L·(4·d² + 3·d·f + 2·d) + d = 160,822,400 + 48 · 30,825,600 + 1,600, and
# 2·(L·(4·d² + 3·d·f) + d·V) + 4·L·T·d = 2 · 1,559,886,400 + 314,572,800.
GPT2_XL_WORKED = {"parameters": 1_640_452_800, "forward_flops": 3_434_345_600.0}

SUITE = Suite(cases=(
    Case(name="accounting/count_parameters", inputs=count_inputs, compare=exact(), run=run_count,
         expect=expect_count, hidden_draws=2,
         note="four small configs (multi-head, GQA, tied, tied multi-query) against the number of "
                              "parameters of a real model of that shape"),
    Case(name="accounting/flops_per_token", inputs=flops_inputs, compare=close(rtol=1e-9, atol=0.0),
         run=run_flops, expect=expect_flops,
         note="[forward, training] against FlopCounterMode on a full-context forward (and forward + backward)"),
    Case(name="accounting/memory_bytes", inputs=memory_inputs, compare=exact(), run=run_memory,
         expect=expect_memory,
         note="parameters, gradients, AdamW state and the handout's activation estimate, in bytes"),
    Case(name="accounting/gpt2_xl", inputs=lambda rng: {"config": dict(GPT2_XL)},
         compare=fields(parameters=exact(), forward_flops=close(rtol=1e-12, atol=0.0)), run=run_gpt2_xl,
         expect=lambda inp: dict(GPT2_XL_WORKED), seeds=(0,), hidden_draws=0,
         note="the GPT-2 XL shape: 1,640,452,800 parameters and 3.434e9 forward FLOPs per token (worked example)"),
))
