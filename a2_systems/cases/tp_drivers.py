"""What the tensor-parallel cases run on every rank and the collective counter. Imported inside the ranks and by the
oracles (a2_systems/oracles/tp.py, the single-process float64 layer: it needs torch); tp.py stays torch-free.

Collectives counts every torch.distributed collective launched while active, by kind (all_reduce, all_gather,
reduce_scatter, other), by wrapping the functions of torch.distributed for the duration; a collective that calls
another internally counts once. Like every instrumentation beside the submission's code, a determined student
could forge it; the handout says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

KINDS = {
    "all_reduce": "all_reduce",
    "all_gather": "all_gather", "all_gather_into_tensor": "all_gather", "all_gather_single": "all_gather",
    "all_gather_object": "other",
    "reduce_scatter": "reduce_scatter", "reduce_scatter_tensor": "reduce_scatter",
    "reduce_scatter_single": "reduce_scatter",
    "broadcast": "other", "reduce": "other", "gather": "other", "scatter": "other", "all_to_all": "other",
    "all_to_all_single": "other", "send": "other", "recv": "other", "isend": "other", "irecv": "other",
    "batch_isend_irecv": "other", "broadcast_object_list": "other",
}


class Collectives:
    """Counts collectives per phase: `with c.active(): ... with c.phase("forward"): ...`; `c.counts[phase][kind]`;
    `c.sizes[phase]` lists (kind, numel of the first tensor argument)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.sizes: dict[str, list[list[Any]]] = {}
        self.current = "other"
        self._depth = 0

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        modules = (dist, dist.distributed_c10d)
        saved = [(m, name, getattr(m, name)) for m in modules for name in KINDS if hasattr(m, name)]
        originals = {name: fn for m, name, fn in saved if m is dist}

        def wrap(name: str) -> Any:
            original = originals[name]

            def traced(*args: Any, **kwargs: Any) -> Any:
                if self._depth == 0:
                    self.counts.setdefault(self.current, {}).setdefault(KINDS[name], 0)
                    self.counts[self.current][KINDS[name]] += 1
                    first = args[0] if args else None
                    numel = int(first.numel()) if isinstance(first, torch.Tensor) else -1
                    self.sizes.setdefault(self.current, []).append([KINDS[name], numel])
                self._depth += 1
                try:
                    return original(*args, **kwargs)
                finally:
                    self._depth -= 1

            return traced

        wrapped = {name: wrap(name) for name in originals}
        for m, name, _ in saved:
            if name in wrapped:
                setattr(m, name, wrapped[name])
        try:
            yield
        finally:
            for m, name, fn in saved:
                setattr(m, name, fn)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        previous, self.current = self.current, name
        try:
            yield
        finally:
            self.current = previous


def _t(a: Any, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.array(a)).to(dtype)


def _np(t: torch.Tensor | None) -> Any:
    return None if t is None else t.detach().numpy().copy()


def _cols(rank: int, world: int, n: int) -> slice:
    k = n // world
    return slice(rank * k, (rank + 1) * k)


def run_layer(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Every rank: build the layer from the full weights, forward x (input slice for a row layer), backward
    sum(y * g) (g's slice for an ungathered column layer); the output, dL/dx, the local weight gradients and the
    collectives counted in forward and backward."""
    kind = inputs["layer"]
    x = _t(inputs["x"])
    g = _t(inputs["g"])
    w = {k: _t(v) for k, v in inputs["weights"].items()}
    if kind == "column":
        layer = impl.ColumnParallelLinear.from_full(w["weight"], gather_output=inputs["gather_output"])
    elif kind == "row":
        layer = impl.RowParallelLinear.from_full(w["weight"])
        x = x[..., _cols(rank, world_size, x.shape[-1])].contiguous()
    elif kind == "mlp":
        layer = impl.ParallelMLP.from_full(w["w1"], w["w2"], w["w3"])
    else:
        layer = impl.ParallelAttention.from_full(w["w_qkv"], w["w_o"], inputs["num_heads"])
    x.requires_grad_(True)
    c = Collectives()
    with c.active():
        with c.phase("forward"):
            y = layer(x)
        if kind == "column" and not inputs["gather_output"]:
            g = g[..., _cols(rank, world_size, g.shape[-1])]
        if tuple(y.shape) != tuple(g.shape):
            raise ValueError(f"the layer's output has shape {tuple(y.shape)}, expected {tuple(g.shape)}")
        with c.phase("backward"):
            (y * g).sum().backward()
    grads = {name: _np(p.grad) for name, p in layer.named_parameters()}
    return {"y": _np(y), "x_grad": _np(x.grad), "grads": grads,
            "counts": {ph: c.counts.get(ph, {}) for ph in ("forward", "backward")}}


def bad_sizes(impl: Any, inputs: dict, rank: int, world_size: int) -> dict:
    """Constructors with a size not divisible by the world size: the exception type each raised (or None)."""
    attempts = {
        "ColumnParallelLinear": lambda: impl.ColumnParallelLinear(inputs["width"], inputs["odd"]),
        "RowParallelLinear": lambda: impl.RowParallelLinear(inputs["odd"], inputs["width"]),
        "ParallelMLP": lambda: impl.ParallelMLP(inputs["width"], inputs["odd"]),
        "ParallelAttention": lambda: impl.ParallelAttention(inputs["odd"] * 2, inputs["odd"]),
    }
    out: dict[str, Any] = {}
    for name, make in attempts.items():
        try:
            make()
            out[name] = None
        except NotImplementedError:
            raise
        except Exception as e:  # noqa: BLE001 - the type is the answer
            out[name] = f"{type(e).__module__}.{type(e).__qualname__}"
    return out


def no_world(impl: Any) -> Any:
    """A ColumnParallelLinear outside any process group (it must raise RuntimeError)."""
    return impl.ColumnParallelLinear(4, 4)
