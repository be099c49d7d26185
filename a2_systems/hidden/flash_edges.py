"""Hidden-only FlashAttention cases: sizes the visible cases do not reach, each within what HANDOUT §3 pins down
(one query and one key, head dims that are not powers of two, more keys than queries, several batches)."""

from __future__ import annotations

from a2_systems.cases.flash_oracle import (
    FLASH_CLOSE,
    attention_inputs,
    run_forward,
    run_grads,
)
from shared.cases import Case, Oracles, Suite

ORACLES = Oracles("a2_systems.oracles.flash_oracle")

SUITE = Suite(cases=(
    Case(name="flash_pytorch/edge_single_key", inputs=attention_inputs(3, 1, 1, 8, True), compare=FLASH_CLOSE,
         run=run_forward("FlashAttentionPytorch"), expect=ORACLES.expect_forward,
         note="n = 1, causal: the output is V and L is the one scaled score"),
    Case(name="flash_pytorch/edge_long_keys_d24", inputs=attention_inputs(2, 17, 130, 24, False),
         compare=FLASH_CLOSE, run=run_grads("FlashAttentionPytorch"), expect=ORACLES.expect_grads,
         note="17 queries x 130 keys, d = 24: gradients"),
    Case(name="flash_pytorch/edge_causal_100", inputs=attention_inputs(3, 100, 100, 32, True),
         compare=FLASH_CLOSE, run=run_grads("FlashAttentionPytorch"), expect=ORACLES.expect_grads,
         note="causal, n = 100, d = 32, batch 3: gradients"),
    Case(name="flash_triton/edge_single_key", inputs=attention_inputs(2, 1, 1, 16, True), compare=FLASH_CLOSE,
         run=run_forward("FlashAttentionTriton"), expect=ORACLES.expect_forward, note="n = 1, causal"),
    Case(name="flash_triton/edge_d24", inputs=attention_inputs(1, 33, 47, 24, False), compare=FLASH_CLOSE,
         run=run_forward("FlashAttentionTriton"), expect=ORACLES.expect_forward,
         note="d = 24 (not a power of two), 33 x 47"),
    Case(name="flash_triton/edge_causal_backward_d24", inputs=attention_inputs(1, 50, 50, 24, True),
         compare=FLASH_CLOSE, run=run_grads("FlashAttentionTriton"), expect=ORACLES.expect_grads,
         note="causal gradients, n = 50, d = 24"),
))
