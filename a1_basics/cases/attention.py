"""Cases for a1.sdpa. The oracle is torch.nn.functional.scaled_dot_product_attention run in float64 (in
a1_basics/oracles/attention.py); masks are boolean with True = attend, and every query row may attend to at least
one key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.attention")  # expected values: instructor-only, never released


def random_mask(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A random boolean mask (True = attend) in which every query row keeps at least one key."""
    mask = rng.random(shape) < 0.6
    keep = rng.integers(0, shape[-1], size=shape[:-1])[..., None]
    np.put_along_axis(mask, keep, True, axis=-1)
    return mask


def sdpa_inputs(q_shape: tuple[int, ...], n_k: int, d_v: int, mask: str | None,
                mask_lead: tuple[int, ...] | None = None) -> Callable[[np.random.Generator], dict]:
    """Q of `q_shape` (..., n_q, d_k); K, V share Q's leading dims. `mask`: None, "random" or "causal";
    `mask_lead`: the mask's own leading dims (default: Q's), to test broadcasting."""

    def make(rng: np.random.Generator) -> dict:
        *lead, n_q, d_k = q_shape
        inp = {"Q": randn(rng, q_shape), "K": randn(rng, (*lead, n_k, d_k)),
               "V": randn(rng, (*lead, n_k, d_v))}
        m_shape = (*(lead if mask_lead is None else mask_lead), n_q, n_k)
        if mask == "random":
            inp["mask"] = random_mask(rng, m_shape)
        elif mask == "causal":
            inp["mask"] = np.broadcast_to(np.tril(np.ones((n_q, n_k), dtype=bool)), m_shape).copy()
        return inp

    return make


def run_sdpa(impl: Impl, inp: dict) -> Any:
    mask = tensor(inp["mask"]) if "mask" in inp else None
    return impl.scaled_dot_product_attention(tensor(inp["Q"]), tensor(inp["K"]), tensor(inp["V"]), mask)


# float32 scores (sums of d_k <= 16 terms, |score| up to ~8), exp and a weighted sum of <= 9 values against float64:
# each weight is off by a few eps relative (~5e-7), so an output near 0 is off by ~5e-7 * sum_j w_j |v_j| ~ 5e-7,
# half the default atol of 1e-6 (a naive softmax-then-matmul reached 0.34 of it in 800 draws). atol 1e-5 covers
# it; the bugs the cases catch (scale 1/d_k, an inverted mask, softmax over queries) are off by 0.5 or more.
SDPA_CLOSE = close(rtol=1e-5, atol=1e-5)
SUITE = Suite(cases=(
    Case(name="sdpa/masked_batch_heads", inputs=sdpa_inputs((2, 3, 5, 8), 7, 8, "random"),
         compare=SDPA_CLOSE, run=run_sdpa, expect=ORACLES.expect_sdpa, hidden_draws=2,
         note="Q (2, 3, 5, 8), K/V (2, 3, 7, 8), a random boolean mask (2, 3, 5, 7) with True = attend"),
    Case(name="sdpa/no_mask", inputs=sdpa_inputs((4, 6, 16), 9, 16, None), compare=SDPA_CLOSE, run=run_sdpa,
         expect=ORACLES.expect_sdpa, note="no mask: Q (4, 6, 16), K/V (4, 9, 16), scores scaled by 1/sqrt(d_k)"),
    Case(name="sdpa/dv_ne_dk_broadcast_mask", inputs=sdpa_inputs((2, 5, 8), 6, 12, "random", mask_lead=()),
         compare=SDPA_CLOSE, run=run_sdpa, expect=ORACLES.expect_sdpa,
         note="d_v = 12 != d_k = 8, and a mask (5, 6) broadcast over the batch dim"),
    Case(name="sdpa/causal", inputs=sdpa_inputs((2, 2, 6, 8), 6, 8, "causal"), compare=SDPA_CLOSE,
         run=run_sdpa, expect=ORACLES.expect_sdpa,
         note="a lower-triangular (causal) mask: query i sees keys 0..i only"),
))
