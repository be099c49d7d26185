"""Expected values of the DDP cases (instructor-only), for a2_systems/cases/ddp.py and hidden/ddp_edges.py:
single-process training on the whole batch in float64 from rank 0's weights (what every rank of a DDP run must
equal), the trainable parameters (name, numel), and for DDPBucketed the buckets by the handout's rule
(cases/ddp.py's expected_buckets, which the bucketed inputs also use to choose a cap)."""

import numpy as np
import torch

from a2_systems.cases.ddp import expected_buckets
from a2_systems.cases.ddp_drivers import build, sgd_step, trainable


def expect_train(inp: dict) -> dict:
    out = oracle(inp)
    if inp["wrapper"] == "DDPBucketed":
        out["buckets"] = expected_buckets([(n, k) for n, k in out["trainable"]], inp["bucket_size_mb"])
    return out


def mse_backward(model: torch.nn.Module, inputs: dict, step: int) -> None:
    """Fresh float64 gradients of the mean squared error on the whole batch of `step` (DDP's and FSDP's
    oracles train the same way; only their optimizer step differs)."""
    for p in model.parameters():
        p.grad = None
    x = torch.from_numpy(np.asarray(inputs["x"][step], dtype=np.float64))
    y = torch.from_numpy(np.asarray(inputs["y"][step], dtype=np.float64))
    ((model(x) - y) ** 2).mean().backward()


def oracle(inputs: dict) -> dict:
    """Single-process training on the whole batch in float64 from rank 0's weights (what DDP must equal), and
    the model's trainable parameters (name, numel) in named_parameters order."""
    model = build(inputs, inputs["params"], torch.float64)
    for step in range(len(inputs["x"])):
        mse_backward(model, inputs, step)
        sgd_step(model, inputs["lr"])
    return {"params": {n: p.detach().numpy().astype(np.float32) for n, p in model.named_parameters()},
            "trainable": [[n, int(p.numel())] for n, p in trainable(model)]}
