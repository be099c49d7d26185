"""Shared pieces of the FlashAttention cases (HANDOUT §3): seeded inputs, the comparators, and the worker-side runs
that call an autograd.Function and report outputs, gradients, the saved logsumexp and instrumentation.

The oracle (a2_systems/oracles/flash_oracle.py, instructor-only) is naive attention in float64 (softmax(Q K^T /
sqrt(d)) V with torch.logsumexp for L, gradients by torch autograd), computed in the grader's process; the code
under test runs in float32, so outputs and gradients are held to rtol 1e-4, atol 1e-5 (observed errors are ~1e-6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases import close, predicate

FLASH_CLOSE = close(rtol=1e-4, atol=1e-5)


def attention_inputs(batch: int, n_q: int, n_k: int, d: int, causal: bool) -> Callable[[np.random.Generator], dict]:
    """Q (batch, n_q, d), K and V (batch, n_k, d), an upstream gradient dO (batch, n_q, d), float32."""

    def make(rng: np.random.Generator) -> dict:
        def randn(*shape: int) -> np.ndarray:
            return rng.standard_normal(shape).astype(np.float32)

        return {"Q": randn(batch, n_q, d), "K": randn(batch, n_k, d), "V": randn(batch, n_k, d),
                "dO": randn(batch, n_q, d), "is_causal": causal}

    return make


def device_for(target: str) -> str:
    """Where a case puts its tensors: the Triton kernels need CUDA tensors unless Triton interprets on the CPU
    (a2_systems sets TRITON_INTERPRET=1 on machines without an NVIDIA GPU); the PyTorch version always runs on CPU."""
    import os

    interpreted = os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")
    return "cuda" if target == "FlashAttentionTriton" and not interpreted else "cpu"


def _tensors(inp: dict, requires_grad: bool = False, target: str = "") -> tuple[Any, Any, Any]:
    import torch

    device = device_for(target)
    return tuple(torch.tensor(inp[n], device=device, requires_grad=requires_grad) for n in ("Q", "K", "V"))


def _np(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy()


def _saved(out: Any) -> list[Any]:
    """Every tensor the autograd graph keeps for `out`'s backward: its node's saved tensors plus any tensor stored
    as an attribute of the context (directly or inside a list, tuple or dict)."""
    import torch

    node = out.grad_fn
    found = list(node.saved_tensors)
    stack = list(vars(node).values()) if hasattr(node, "__dict__") else []
    while stack:
        x = stack.pop()
        if isinstance(x, torch.Tensor):
            found.append(x)
        elif isinstance(x, (list, tuple)):
            stack += list(x)
        elif isinstance(x, dict):
            stack += list(x.values())
    return found


def run_forward(target: str) -> Callable[[Any, dict], dict]:
    """O, and L as saved in the autograd context (the saved tensor of shape (batch, n_queries))."""

    def run(impl: Any, inp: dict) -> dict:
        q, k, v = _tensors(inp, requires_grad=True, target=target)
        out = getattr(impl, target).apply(q, k, v, inp["is_causal"])
        lse = [t for t in _saved(out) if tuple(t.shape) == tuple(q.shape[:-1])]
        if len(lse) != 1:
            raise ValueError(f"expected exactly one saved tensor of shape (batch, n_queries) = "
                             f"{tuple(q.shape[:-1])} (the logsumexp L), found {len(lse)}")
        return {"O": _np(out), "L": _np(lse[0])}

    return run


def run_grads(target: str) -> Callable[[Any, dict], dict]:
    """dQ, dK, dV after out.backward(dO)."""

    def run(impl: Any, inp: dict) -> dict:
        import torch

        q, k, v = _tensors(inp, requires_grad=True, target=target)
        out = getattr(impl, target).apply(q, k, v, inp["is_causal"])
        out.backward(torch.tensor(inp["dO"], device=q.device))
        return {"dQ": _np(q.grad), "dK": _np(k.grad), "dV": _np(v.grad)}

    return run


def run_saved_shapes(target: str) -> Callable[[Any, dict], dict]:
    """Instrumentation: the sorted shapes of every tensor reachable from the output's autograd node, and L's
    dtype. Produced in the worker, so a determined student could forge it (HANDOUT §3.1 says so)."""

    def run(impl: Any, inp: dict) -> dict:
        q, k, v = _tensors(inp, requires_grad=True, target=target)
        out = getattr(impl, target).apply(q, k, v, inp["is_causal"])
        saved = _saved(out)
        lse = [str(t.dtype) for t in saved if t.dim() == 2]
        return {"shapes": sorted(list(t.shape) for t in saved), "L_dtype": lse[0] if len(lse) == 1 else "missing"}

    return run


def run_bad(target: str) -> Callable[[Any, dict], Any]:
    """Calls the function on inputs it must refuse (the case's comparator says with what)."""

    def run(impl: Any, inp: dict) -> Any:
        q, k, v = _tensors(inp, target=target)
        return _np(getattr(impl, target).apply(q, k, v, inp["is_causal"]))

    return run


def run_largest_tensor(target: str) -> Callable[[Any, dict], dict]:
    """Instrumentation: the bytes of the largest storage any torch op makes during forward and backward, as a
    fraction of one float32 attention matrix (batch, n_q, n_k). A TorchDispatchMode sees every op's output (Triton
    kernels write into tensors allocated outside them, so their tiles are not torch tensors at all)."""

    def run(impl: Any, inp: dict) -> dict:
        import torch
        from torch.utils._python_dispatch import TorchDispatchMode
        from torch.utils._pytree import tree_flatten

        class Largest(TorchDispatchMode):
            biggest = 0

            def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                out = func(*args, **(kwargs or {}))
                for t in tree_flatten(out)[0]:
                    if isinstance(t, torch.Tensor):
                        Largest.biggest = max(Largest.biggest, t.untyped_storage().nbytes())
                return out

        q, k, v = _tensors(inp, requires_grad=True, target=target)
        threads = torch.get_num_threads()
        # subtle: hundreds of tiny tile matmuls on 2 threads of a busy machine stall for milliseconds each
        torch.set_num_threads(1)
        try:
            with Largest():
                out = getattr(impl, target).apply(q, k, v, inp["is_causal"])
                out.backward(torch.tensor(inp["dO"], device=q.device))
        finally:
            torch.set_num_threads(threads)
        b, n_q, n_k = q.shape[0], q.shape[1], k.shape[1]
        return {"fraction": Largest.biggest / (4.0 * b * n_q * n_k)}

    return run


def _at_most_quarter(inp: dict, out: dict) -> tuple[bool, str]:
    f = float(out["fraction"])
    return f <= 0.25, (f"the largest tensor made holds {f:.3g} of a (batch, n_q, n_k) float32 attention matrix; "
                       f"at most 1/4 is allowed (a 128 x 128 tile at n = 512 holds 1/16)")


quarter_matrix_at_most = predicate("no tensor holds more than a quarter of an attention matrix", _at_most_quarter)
