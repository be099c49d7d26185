"""Cases for a2.flash_pytorch (HANDOUT §3.1): outputs, logsumexp and gradients against naive float64 attention,
what the autograd context keeps, the size of the largest tensor made, and refused inputs."""

from __future__ import annotations

import numpy as np

from a2_systems.cases.flash_oracle import (
    FLASH_CLOSE,
    attention_inputs,
    quarter_matrix_at_most,
    run_bad,
    run_forward,
    run_grads,
    run_largest_tensor,
    run_saved_shapes,
)
from shared.cases import Case, Oracles, Suite, exact, raises

ORACLES = Oracles("a2_systems.oracles.flash_oracle")  # expected values: instructor-only, never released
TARGET = "FlashAttentionPytorch"


def bad_rank(rng: np.random.Generator) -> dict:
    x = rng.standard_normal((16, 8)).astype(np.float32)
    return {"Q": x, "K": x, "V": x, "is_causal": False}


SUITE = Suite(cases=(
    Case(name="flash_pytorch/forward", inputs=attention_inputs(2, 48, 80, 16, False), compare=FLASH_CLOSE,
         run=run_forward(TARGET), expect=ORACLES.expect_forward, seeds=(0,),
         note="O and the saved logsumexp L, (2, 48) queries x 80 keys, d = 16: lengths not multiples of a tile"),
    Case(name="flash_pytorch/causal_forward", inputs=attention_inputs(2, 72, 72, 16, True),
         compare=FLASH_CLOSE, run=run_forward(TARGET), expect=ORACLES.expect_forward, seeds=(0,),
         note="causal O and L, n = 72: query i attends keys 0..i"),
    Case(name="flash_pytorch/backward", inputs=attention_inputs(2, 40, 56, 16, False), compare=FLASH_CLOSE,
         run=run_grads(TARGET), expect=ORACLES.expect_grads, seeds=(0,),
         note="dQ, dK, dV for a random upstream dO, 40 x 56, d = 16"),
    Case(name="flash_pytorch/causal_backward", inputs=attention_inputs(2, 72, 72, 16, True),
         compare=FLASH_CLOSE, run=run_grads(TARGET), expect=ORACLES.expect_grads, seeds=(0,),
         note="causal dQ, dK, dV, n = 72"),
    Case(name="flash_pytorch/saved_tensors", inputs=attention_inputs(2, 40, 56, 16, False), compare=exact(),
         run=run_saved_shapes(TARGET), expect=ORACLES.expect_saved_shapes, seeds=(0,), hidden_draws=0,
         note="the autograd context keeps exactly L (float32), Q, K, V, O: no attention matrix"),
    Case(name="flash_pytorch/no_quadratic_tensor", inputs=attention_inputs(1, 512, 512, 16, False),
         compare=quarter_matrix_at_most, run=run_largest_tensor(TARGET), expect=None, seeds=(0,),
         note="forward + backward at n = 512 never make a tensor of more than n*n/4 floats"),
    Case(name="flash_pytorch/causal_needs_square", inputs=attention_inputs(1, 16, 24, 8, True),
         compare=raises(ValueError), run=run_bad(TARGET), expect=None, seeds=(0,),
         note="is_causal with n_queries != n_keys raises ValueError"),
    Case(name="flash_pytorch/needs_batch_dim", inputs=bad_rank, compare=raises(ValueError),
         run=run_bad(TARGET), expect=None, seeds=(0,), note="2-D inputs (no batch dim) raise ValueError"),
))
