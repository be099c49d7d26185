"""What the pipeline cases run on every rank: a1's TransformerLM built from the case's weights, cut into this
rank's stage by the submission's PipelineStage, trained for a few plain-SGD steps through the finished runtime
(a2_systems/distributed/pipeline_runtime.py) with the submission's schedule, microbatches and loss. Imported
inside the ranks and by the oracles (a2_systems/oracles/pipeline.py); pipeline.py stays torch-free.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from a1_basics.nn.transformer import TransformerLM
from a2_systems.distributed.pipeline_runtime import run_schedule


def build(inputs: dict, dtype: torch.dtype = torch.float32) -> TransformerLM:
    """The case's TransformerLM with its weights (a tied weight given once, as token_embeddings.weight)."""
    a = inputs["arch"]
    model = TransformerLM(a["vocab_size"], a["context_length"], a["d_model"], a["num_layers"], a["num_heads"],
                          a["d_ff"], a["rope_theta"], tie_embeddings=a["tie_embeddings"], dtype=dtype)
    weights = {n: torch.from_numpy(np.asarray(w)).to(dtype) for n, w in inputs["weights"].items()}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or [n for n in missing if not (a["tie_embeddings"] and n == "lm_head.weight")]:
        raise RuntimeError(f"case weights do not fit the model: missing {missing}, unexpected {unexpected}")
    return model


def _slices(impl: Any, batch: int, m: int) -> list[slice]:
    got = list(impl.split_microbatches(batch, m))
    rows = [r for s in got for r in range(batch)[s]]
    if len(got) != m or rows != list(range(batch)):
        raise ValueError(f"split_microbatches({batch}, {m}) returned {got}: {m} slices covering rows 0 .. "
                         f"{batch - 1} once, in order, expected")
    return got


def train(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Every rank: its stage of the model; `steps` SGD steps of the whole batch through the pipeline. Reports the
    stage's parameter names, the first step's gradients, the parameters after the last step, each step's loss
    (last rank), the first step's events, the live-activation peak and what stays alive after each step."""
    model = build(inputs)
    stage = impl.PipelineStage(model, rank, world_size)
    schedule_fn = impl.gpipe_schedule if inputs["schedule"] == "gpipe" else impl.one_f_one_b_schedule
    tokens = torch.from_numpy(np.asarray(inputs["tokens"], dtype=np.int64))
    targets = torch.from_numpy(np.asarray(inputs["targets"], dtype=np.int64))
    m = int(inputs["num_microbatches"])
    slices = _slices(impl, tokens.shape[0], m)
    named = dict(stage.named_parameters(remove_duplicate=False))
    params = list(dict.fromkeys(named.values()))  # each tensor once (a tied weight on a one-stage pipeline)
    out: dict[str, Any] = {"names": sorted(named), "losses": [], "peak_live": [], "live_after": []}
    for step in range(int(inputs["steps"])):
        for p in params:
            p.grad = None
        schedule = schedule_fn(world_size, rank, m)
        r = run_schedule(stage, schedule, tokens, targets, slices, impl.microbatch_loss, inputs["arch"]["d_model"])
        if step == 0:
            out["events"] = [[k, i] for k, i in r.events]
            out["grads"] = {n: (t.grad.detach().numpy().copy() if t.grad is not None else None)
                            for n, t in named.items()}
        out["losses"].append(r.loss)
        out["peak_live"].append(r.peak_live)
        out["live_after"].append(r.live_after)
        with torch.no_grad():
            for p in params:
                if p.grad is not None:
                    p -= inputs["lr"] * p.grad
    out["params"] = {n: t.detach().numpy().copy() for n, t in named.items()}
    return out
