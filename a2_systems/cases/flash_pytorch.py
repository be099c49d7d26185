"""Cases for a2.flash_pytorch (HANDOUT §3.1): outputs, logsumexp and gradients against naive float64 attention,
what the autograd context keeps, the size of the largest tensor made, and refused inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from a2_systems.cases.flash_oracle import (
    FLASH_CLOSE,
    attention_inputs,
    expect_forward,
    expect_grads,
    expect_saved_shapes,
    run_bad,
    run_forward,
    run_grads,
    run_saved_shapes,
)
from shared.cases import Case, Suite, exact, predicate, raises

UNIT = "a2.flash_pytorch"
TARGET = "FlashAttentionPytorch"


def run_largest_tensor(impl: Any, inp: dict) -> dict:
    """Instrumentation: the bytes of the largest storage any op creates during forward and backward, as a
    fraction of one float32 attention matrix (batch, n_q, n_k). A TorchDispatchMode sees every op's output."""
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

    q, k, v = (torch.tensor(inp[n], requires_grad=True) for n in ("Q", "K", "V"))
    with Largest():
        out = impl.FlashAttentionPytorch.apply(q, k, v, inp["is_causal"])
        out.backward(torch.tensor(inp["dO"]))
    b, n_q, n_k = q.shape[0], q.shape[1], k.shape[1]
    return {"fraction": Largest.biggest / (4.0 * b * n_q * n_k)}


def at_most_quarter(inp: dict, out: dict) -> tuple[bool, str]:
    f = float(out["fraction"])
    return f <= 0.25, (f"the largest tensor made holds {f:.3g} of a (batch, n_q, n_k) attention matrix; tiles "
                       f"of at most 128 x 128 at n = 512 hold 1/16")


def bad_rank(rng: np.random.Generator) -> dict:
    x = rng.standard_normal((16, 8)).astype(np.float32)
    return {"Q": x, "K": x, "V": x, "is_causal": False}


SUITE = Suite(cases=(
    Case("flash_pytorch/forward", UNIT, attention_inputs(2, 48, 80, 16, False), FLASH_CLOSE, run_forward(TARGET),
         expect_forward, seeds=(0,), hidden_draws=1,
         note="O and the saved logsumexp L, (2, 48) queries x 80 keys, d = 16: lengths not multiples of a tile"),
    Case("flash_pytorch/causal_forward", UNIT, attention_inputs(2, 72, 72, 16, True), FLASH_CLOSE,
         run_forward(TARGET), expect_forward, seeds=(0,), hidden_draws=1,
         note="causal O and L, n = 72: query i attends keys 0..i"),
    Case("flash_pytorch/backward", UNIT, attention_inputs(2, 40, 56, 16, False), FLASH_CLOSE, run_grads(TARGET),
         expect_grads, seeds=(0,), hidden_draws=1, note="dQ, dK, dV for a random upstream dO, 40 x 56, d = 16"),
    Case("flash_pytorch/causal_backward", UNIT, attention_inputs(2, 72, 72, 16, True), FLASH_CLOSE,
         run_grads(TARGET), expect_grads, seeds=(0,), hidden_draws=1, note="causal dQ, dK, dV, n = 72"),
    Case("flash_pytorch/saved_tensors", UNIT, attention_inputs(2, 40, 56, 16, False), exact(),
         run_saved_shapes(TARGET), expect_saved_shapes, seeds=(0,), hidden_draws=1,
         note="the autograd context keeps exactly L (float32), Q, K, V, O: no attention matrix"),
    Case("flash_pytorch/no_quadratic_tensor", UNIT, attention_inputs(1, 512, 512, 16, False),
         predicate("no tensor holds more than a quarter of an attention matrix", at_most_quarter),
         run_largest_tensor, None, seeds=(0,), hidden_draws=1,
         note="forward + backward at n = 512 never make a tensor of more than n*n/4 floats"),
    Case("flash_pytorch/causal_needs_square", UNIT, attention_inputs(1, 16, 24, 8, True), raises(ValueError),
         run_bad(TARGET), None, seeds=(0,), hidden_draws=1,
         note="is_causal with n_queries != n_keys raises ValueError"),
    Case("flash_pytorch/needs_batch_dim", UNIT, bad_rank, raises(ValueError), run_bad(TARGET), None, seeds=(0,),
         hidden_draws=1, note="2-D inputs (no batch dim) raise ValueError"),
))
