"""Expected values of the FSDP cases (instructor-only), for a2_systems/cases/fsdp.py and hidden/fsdp_edges.py:
single-process float64 training on the whole batch from rank 0's weights, with plain SGD or torch.optim.AdamW
(what every rank's full_state_dict must equal), and the numbers of trainable and frozen parameter elements."""

import numpy as np
import torch

from a2_systems.cases.ddp_drivers import build, sgd_step
from a2_systems.oracles.ddp import mse_backward


def expect_train(inp: dict) -> dict:
    return oracle(inp)


def oracle(inputs: dict) -> dict:
    """Single-process float64 training on the whole batch from rank 0's weights: the parameters, and the number
    of trainable / frozen elements."""
    model = build(inputs, inputs["params"], torch.float64)
    opt = None
    if inputs["optimizer"] == "AdamW":
        opt = torch.optim.AdamW(model.parameters(), lr=inputs["lr"], weight_decay=0.1, betas=(0.9, 0.99))
    for step in range(len(inputs["x"])):
        mse_backward(model, inputs, step)
        if opt is None:
            sgd_step(model, inputs["lr"])
        else:
            opt.step()
    return {"params": {n: p.detach().numpy().astype(np.float32) for n, p in model.named_parameters()},
            "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "frozen": sum(p.numel() for p in model.parameters() if not p.requires_grad)}
