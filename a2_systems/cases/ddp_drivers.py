"""What the DDP cases run: a small model with a tied and a frozen weight and a traced training loop on every rank.
Imported inside the ranks and by the oracles (a2_systems/oracles/ddp.py: it needs torch); the case definitions in
ddp.py stay torch-free.

The trace wraps `torch.distributed.all_reduce` for the duration of the training loop and records, per launch:
the step, the tensor's numel, whether it was launched while `loss.backward()` was running or later (inside
`finish_gradient_synchronization()`), whether it was asynchronous, and how many trainable parameters already had
their gradient at that moment. Instrumentation recorded next to the submission's code can be forged by a
determined student; the handout says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

PHASES = {"construct": 0, "backward": 1, "finish": 2, "other": 3}
LAUNCH_FIELDS = ("step", "numel", "phase", "async", "ready")  # one launch: a row of ints


class ToyNet(nn.Module):
    """x (batch, d_in) -> (batch, d_out): tanh layers, a frozen layer, and `tied` sharing blocks.0.weight.

    Parameter order (named_parameters): embed.weight, embed.bias, blocks.i.weight, blocks.i.bias, ...,
    frozen.weight (requires_grad=False), head.weight, head.bias; `tied.weight` IS blocks.0.weight (listed once).
    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int, n_blocks: int, tied: bool, frozen: bool) -> None:
        super().__init__()
        self.embed = nn.Linear(d_in, d_hidden)
        self.blocks = nn.ModuleList(nn.Linear(d_hidden, d_hidden) for _ in range(n_blocks))
        self.frozen = nn.Linear(d_hidden, d_hidden, bias=False) if frozen else None
        if self.frozen is not None:
            self.frozen.weight.requires_grad_(False)
        self.tied = None
        if tied:
            self.tied = nn.Linear(d_hidden, d_hidden, bias=False)
            self.tied.weight = self.blocks[0].weight
        self.head = nn.Linear(d_hidden, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.embed(x))
        for block in self.blocks:
            h = torch.tanh(block(h))
        if self.frozen is not None:
            h = h + 0.5 * torch.tanh(self.frozen(h))
        if self.tied is not None:
            h = h + torch.tanh(self.tied(h))
        return self.head(h)


def build(inputs: dict, params: dict[str, np.ndarray], dtype: torch.dtype = torch.float32) -> ToyNet:
    model = ToyNet(**inputs["arch"]).to(dtype)
    named = dict(model.named_parameters())
    if set(named) != set(params):
        raise ValueError(f"ToyNet parameters {sorted(named)} != case parameters {sorted(params)}")
    with torch.no_grad():
        for name, p in named.items():
            p.copy_(torch.from_numpy(np.asarray(params[name])).to(dtype))
    return model


def trainable(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    return [(n, p) for n, p in model.named_parameters() if p.requires_grad]


class Trace:
    """Records every dist.all_reduce launched while active (see the module docstring)."""

    def __init__(self, model: nn.Module) -> None:
        self.params = [p for _, p in trainable(model)]
        self.launches: list[list[int]] = []
        self.step, self.phase = 0, PHASES["other"]

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        original = dist.all_reduce

        def traced(tensor: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(tensor, torch.Tensor):
                return original(tensor, *args, **kwargs)  # torch's own error for a non-tensor
            async_op = kwargs.get("async_op", args[2] if len(args) > 2 else False)
            ready = sum(p.grad is not None for p in self.params)
            self.launches.append([self.step, int(tensor.numel()), self.phase, int(bool(async_op)), ready])
            return original(tensor, *args, **kwargs)

        modules = (dist, dist.distributed_c10d)
        for m in modules:
            m.all_reduce = traced
        try:
            yield
        finally:
            for m in modules:
                m.all_reduce = original

    @contextlib.contextmanager
    def phase_of(self, phase: str, step: int) -> Iterator[None]:
        self.step, self.phase = step, PHASES[phase]
        try:
            yield
        finally:
            self.phase = PHASES["other"]


def sgd_step(model: nn.Module, lr: float) -> None:
    """Plain SGD, p -= lr * grad, skipping parameters without a gradient. Written out rather than
    torch.optim.SGD: constructing any torch optimizer imports torch._dynamo (~5 s) in every fresh rank."""
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.sub_(lr * p.grad)


def _wrap(impl: Any, inputs: dict, model: nn.Module) -> nn.Module:
    name = inputs["wrapper"]
    if name == "DDPBucketed":
        return impl.DDPBucketed(model, inputs["bucket_size_mb"])
    return getattr(impl, name)(model)


def _local(batch: np.ndarray, rank: int, world_size: int) -> torch.Tensor:
    n = batch.shape[0] // world_size
    return torch.from_numpy(np.ascontiguousarray(batch[rank * n:(rank + 1) * n]))


def train(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Every rank: build the model (rank 0 from `params`, the others from `params_other`), wrap it, train
    `steps` SGD steps on this rank's shard of each batch, and report parameters, the trace and the buckets."""
    model = build(inputs, inputs["params"] if rank == 0 else inputs["params_other"])
    trace = Trace(model)
    ddp = _wrap(impl, inputs, model)
    with trace.active():
        for step in range(len(inputs["x"])):
            for p in model.parameters():
                p.grad = None
            x, y = _local(inputs["x"][step], rank, world_size), _local(inputs["y"][step], rank, world_size)
            loss = ((ddp(x) - y) ** 2).mean()
            with trace.phase_of("backward", step):
                loss.backward()
            with trace.phase_of("finish", step):
                ddp.finish_gradient_synchronization()
            sgd_step(model, inputs["lr"])
    out: dict[str, Any] = {
        "params": {n: p.detach().numpy().copy() for n, p in model.named_parameters()},
        "launches": np.asarray(trace.launches, dtype=np.int64).reshape(-1, len(LAUNCH_FIELDS)),
        "module_is_model": getattr(ddp, "module", None) is model,
    }
    if inputs["wrapper"] == "DDPBucketed":
        buckets = getattr(ddp, "buckets", None)
        out["buckets"] = [[str(n) for n in b] for b in buckets] if isinstance(buckets, list) else None
    return out


def no_world(impl: Any, name: str) -> Any:
    """Construct a wrapper outside any process group (it must raise RuntimeError)."""
    model = ToyNet(3, 4, 2, 1, tied=False, frozen=False)
    return impl.DDPBucketed(model, 1.0) if name == "DDPBucketed" else getattr(impl, name)(model)
