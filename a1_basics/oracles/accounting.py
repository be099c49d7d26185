"""Expected values of a1.accounting's cases (instructor-only): parameter counts from a real LM's parameter
shapes, FLOPs counted by torch.utils.flop_counter.FlopCounterMode over the naive float64 model of
a1_basics/oracles/model.py, the handout's activation-memory formula, and the GPT-2 XL worked example."""

import numpy as np

from a1_basics.cases.model import lm_weights
from a1_basics.oracles.model import lm_shapes, naive_lm


def expect_count(inp: dict) -> list:
    return [sum(int(np.prod(s)) for s in lm_shapes(c).values()) for c in inp["configs"]]


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


# Worked in the handout: 2·V·d + L·(4·d² + 3·d·f + 2·d) + d = 160,822,400 + 48 · 30,825,600 + 1,600, and
# 2·(L·(4·d² + 3·d·f) + d·V) + 4·L·T·d = 2 · 1,559,886,400 + 314,572,800.
GPT2_XL_WORKED = {"parameters": 1_640_452_800, "forward_flops": 3_434_345_600.0}


def expect_gpt2_xl(inp: dict) -> dict:
    return dict(GPT2_XL_WORKED)
