"""What the FSDP cases run on every rank and the parameter-memory measurement. Imported inside the ranks and by
the oracles (a2_systems/oracles/fsdp.py: it needs torch); fsdp.py stays torch-free.

Parameter bytes held by a wrapper between steps: every tensor reachable from the FSDP object through Python
containers, object attributes and submodules (its parameters, buffers and anything else it keeps), not through a
tensor's own attributes (so not gradients), each storage counted once. Optimizer-state bytes: zero1_drivers.
Measured next to the submission's code, so a determined student could forge them; the handout says so.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import torch
from torch import nn

from a2_systems.cases.ddp_drivers import ToyNet, build, sgd_step
from a2_systems.cases.tp_drivers import Collectives
from a2_systems.cases.zero1_drivers import state_bytes

PHASES = ("forward", "backward", "finish", "step")


def held_bytes(root: Any) -> int:
    """Bytes of tensor storage reachable from `root` (see the module docstring)."""
    seen: set[int] = set()
    storages: dict[int, int] = {}
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, torch.Tensor):
            storage = obj.untyped_storage()
            storages[storage.data_ptr() or id(storage)] = storage.nbytes()
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, (types.ModuleType, type)) or (callable(obj) and not isinstance(obj, nn.Module)):
            continue
        elif type(obj).__module__.startswith("torch") and not isinstance(obj, nn.Module):
            continue  # process groups, dtypes, devices: no parameters in them
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return sum(storages.values())


def _local(batch: np.ndarray, rank: int, world_size: int, dtype: torch.dtype) -> torch.Tensor:
    n = batch.shape[0] // world_size
    return torch.from_numpy(np.ascontiguousarray(batch[rank * n:(rank + 1) * n])).to(dtype)


def _optimizer(inputs: dict, params: list[nn.Parameter]) -> Any:
    if inputs["optimizer"] == "AdamW":
        return torch.optim.AdamW(params, lr=inputs["lr"], weight_decay=0.1, betas=(0.9, 0.99))
    return None  # plain SGD, written out (ddp_drivers.sgd_step)


def train(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Every rank: build the model (rank 0 from `params`, the others from `params_other`), wrap it in FSDP, train
    `steps` steps on this rank's half of each batch with an optimizer over `fsdp.parameters()`; report the full
    parameters (full_state_dict), the collectives per phase, the bytes held between steps, the optimizer state."""
    model = build(inputs, inputs["params"] if rank == 0 else inputs["params_other"])
    fsdp = impl.FSDP(model)
    params = list(fsdp.parameters())
    opt = _optimizer(inputs, params)
    c = Collectives()
    held = []
    with c.active():
        for step in range(len(inputs["x"])):
            for p in params:
                p.grad = None
            x = _local(inputs["x"][step], rank, world_size, torch.float32)
            y = _local(inputs["y"][step], rank, world_size, torch.float32)
            with c.phase("forward"):
                out = fsdp(x)
            loss = ((out - y) ** 2).mean()
            with c.phase("backward"):
                loss.backward()
            with c.phase("finish"):
                fsdp.finish_gradient_synchronization()
            with c.phase("step"):
                if opt is None:
                    sgd_step(fsdp, inputs["lr"])
                else:
                    opt.step()
            held.append(held_bytes(fsdp))
    state = fsdp.full_state_dict()
    return {"params": {str(n): t.detach().numpy().copy() for n, t in state.items()},
            "counts": {ph: c.counts.get(ph, {}) for ph in PHASES}, "held_bytes": held,
            "optimizer_bytes": 0 if opt is None else state_bytes(opt, params)}


def no_world(impl: Any) -> Any:
    """An FSDP outside any process group (it must raise RuntimeError)."""
    return impl.FSDP(ToyNet(3, 4, 2, 1, tied=False, frozen=False))
