"""Cases for a1.accounting. Parameter counts are checked against the parameter shapes of a real LM (the naive
model of oracles/model.py, independent of any formula), FLOPs against torch.utils.flop_counter.FlopCounterMode
counting a real float64 forward (and forward + backward) of that naive model, and the GPT-2 XL shape against
the worked example of the handout. The activation estimate is the handout's formula, restated in the oracles
(a1_basics/oracles/accounting.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields

ORACLES = Oracles("a1_basics.oracles.accounting")  # expected values: instructor-only, never released

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


def flops_inputs(rng: np.random.Generator) -> dict:
    return {"config": random_config(rng, str(rng.choice(["mha", "gqa"])), bool(rng.integers(2)))}


def run_flops(impl: Impl, inp: dict) -> list:
    cfg = config_of(inp["config"])
    return [float(impl.flops_per_token(cfg, training=False)), float(impl.flops_per_token(cfg, training=True))]


def memory_inputs(rng: np.random.Generator) -> dict:
    return {"config": random_config(rng, str(rng.choice(["mha", "gqa"])), bool(rng.integers(2))),
            "batch_size": int(rng.integers(1, 9)), "dtype_bytes": int(rng.choice([2, 4]))}


def run_memory(impl: Impl, inp: dict) -> dict:
    out = impl.memory_bytes(config_of(inp["config"]), inp["batch_size"], inp["dtype_bytes"])
    return {k: int(v) for k, v in out.items()}


GPT2_XL = {"vocab_size": 50257, "context_length": 1024, "d_model": 1600, "num_layers": 48, "num_heads": 25,
           "d_ff": 4288, "rope_theta": 10000.0, "num_kv_heads": None, "tie_embeddings": False, "rmsnorm_eps": 1e-5}


def run_gpt2_xl(impl: Impl, inp: dict) -> dict:
    cfg = config_of(inp["config"])
    return {"parameters": int(impl.count_parameters(cfg)), "forward_flops": float(impl.flops_per_token(cfg, False))}


SUITE = Suite(cases=(
    Case(name="accounting/count_parameters", inputs=count_inputs, compare=exact(), run=run_count,
         expect=ORACLES.expect_count, hidden_draws=2,
         note="four small configs (multi-head, GQA, tied, tied multi-query) against the number of "
                              "parameters of a real model of that shape"),
    Case(name="accounting/flops_per_token", inputs=flops_inputs, compare=close(rtol=1e-9, atol=0.0),
         run=run_flops, expect=ORACLES.expect_flops,
         note="[forward, training] against FlopCounterMode on a full-context forward (and forward + backward)"),
    Case(name="accounting/memory_bytes", inputs=memory_inputs, compare=exact(), run=run_memory,
         expect=ORACLES.expect_memory,
         note="parameters, gradients, AdamW state and the handout's activation estimate, in bytes"),
    Case(name="accounting/gpt2_xl", inputs=lambda rng: {"config": dict(GPT2_XL)},
         compare=fields(parameters=exact(), forward_flops=close(rtol=1e-12, atol=0.0)), run=run_gpt2_xl,
         expect=ORACLES.expect_gpt2_xl, seeds=(0,), hidden_draws=0,
         note="the GPT-2 XL shape: 1,640,452,800 parameters and 3.434e9 forward FLOPs per token (worked example)"),
))
