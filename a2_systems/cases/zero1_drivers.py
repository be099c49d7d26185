"""What the ZeRO-1 cases run on every rank and the optimizer-state measurement. Imported inside the ranks and by
the oracles (a2_systems/oracles/zero1.py, the unsharded optimizer: it needs torch); zero1.py stays torch-free.

Optimizer-state bytes of an optimizer object: every tensor reachable from it through Python containers and
object attributes (not through nn.Modules, tensors or functions), minus the parameters themselves and their
gradients, each storage counted once. For torch.optim.AdamW that is exp_avg, exp_avg_sq and the step counter
of every parameter it steps. Measured next to the submission's code, so a determined student could forge it.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import torch
from torch import nn

OPTIMIZERS = {"AdamW": torch.optim.AdamW, "SGD": torch.optim.SGD, "Adam": torch.optim.Adam}


def state_bytes(opt: Any, params: list[torch.Tensor]) -> int:
    """Bytes of optimizer state reachable from `opt` (see the module docstring)."""
    skip = {id(p) for p in params} | {id(p.grad) for p in params if p.grad is not None}
    seen: set[int] = set()
    storages: dict[int, int] = {}
    stack: list[Any] = [opt]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, torch.Tensor):
            if id(obj) not in skip and not isinstance(obj, nn.Parameter):
                storage = obj.untyped_storage()
                storages[storage.data_ptr() or id(storage)] = storage.nbytes()
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, (nn.Module, types.ModuleType)) or callable(obj):
            continue  # a model's weights are not optimizer state; functions, methods and classes hold none
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return sum(storages.values())


def _params(inputs: dict) -> list[nn.Parameter]:
    params = [nn.Parameter(torch.from_numpy(np.array(a, dtype=np.float32))) for a in inputs["params"]]
    for k in inputs["frozen"]:
        params[k].requires_grad_(False)
    return params


def _groups(inputs: dict, params: list[nn.Parameter]) -> list[Any]:
    """The plain parameter list, or param-group dicts: [{"params": [...], **hyperparameters}, ...]."""
    if not inputs["groups"]:
        return list(params)
    return [{"params": [params[i] for i in g["indices"]], **g["options"]} for g in inputs["groups"]]


def _drive(opt: Any, params: list[nn.Parameter], inputs: dict) -> None:
    for step in range(len(inputs["grads"][0])):
        for k, p in enumerate(params):
            p.grad = None if not p.requires_grad else torch.from_numpy(np.array(inputs["grads"][k][step]))
        opt.step()


def _options(inputs: dict) -> dict:
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in inputs["kwargs"].items()}


def train(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Every rank: the same parameters and gradients (as if already all-reduced), `steps` steps of a
    ShardedOptimizer; report the parameters and this rank's optimizer-state bytes."""
    params = _params(inputs)
    opt = impl.ShardedOptimizer(_groups(inputs, params), OPTIMIZERS[inputs["optimizer"]], **_options(inputs))
    _drive(opt, params, inputs)
    measured = state_bytes(opt, params)
    opt.zero_grad(set_to_none=True)
    return {"params": [p.detach().numpy().copy() for p in params], "state_bytes": measured}


def no_world(impl: Any) -> Any:
    """A ShardedOptimizer outside any process group (it must raise RuntimeError)."""
    return impl.ShardedOptimizer([nn.Parameter(torch.zeros(3))], torch.optim.SGD, lr=0.1)


def warm() -> None:
    """Construct one optimizer in the parent: the first one imports torch._dynamo (~5 s), once per process
    instead of once per rank."""
    torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
