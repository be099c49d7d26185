"""Hidden-only FlashAttention cases: sizes the visible cases do not reach, each within what HANDOUT §3 pins down
(one query and one key, head dims that are not powers of two, more keys than queries, several batches)."""

from __future__ import annotations

from a2_systems.cases.flash_oracle import (
    FLASH_CLOSE,
    attention_inputs,
    expect_forward,
    expect_grads,
    run_forward,
    run_grads,
)
from shared.cases import Case, Suite

PT, FWD, BWD = "a2.flash_pytorch", "a2.flash_triton_forward", "a2.flash_triton_backward"

SUITE = Suite(cases=(
    Case("flash_pytorch/edge_single_key", PT, attention_inputs(3, 1, 1, 8, True), FLASH_CLOSE,
         run_forward("FlashAttentionPytorch"), expect_forward, seeds=(), hidden_draws=1,
         note="n = 1, causal: the output is V and L is the one scaled score"),
    Case("flash_pytorch/edge_long_keys_d24", PT, attention_inputs(2, 17, 130, 24, False), FLASH_CLOSE,
         run_grads("FlashAttentionPytorch"), expect_grads, seeds=(), hidden_draws=1,
         note="17 queries x 130 keys, d = 24: gradients"),
    Case("flash_pytorch/edge_causal_100", PT, attention_inputs(3, 100, 100, 32, True), FLASH_CLOSE,
         run_grads("FlashAttentionPytorch"), expect_grads, seeds=(), hidden_draws=1,
         note="causal, n = 100, d = 32, batch 3: gradients"),
    Case("flash_triton/edge_single_key", FWD, attention_inputs(2, 1, 1, 16, True), FLASH_CLOSE,
         run_forward("FlashAttentionTriton"), expect_forward, seeds=(), hidden_draws=1, note="n = 1, causal"),
    Case("flash_triton/edge_d24", FWD, attention_inputs(1, 33, 47, 24, False), FLASH_CLOSE,
         run_forward("FlashAttentionTriton"), expect_forward, seeds=(), hidden_draws=1,
         note="d = 24 (not a power of two), 33 x 47"),
    Case("flash_triton/edge_causal_backward_d24", BWD, attention_inputs(1, 50, 50, 24, True), FLASH_CLOSE,
         run_grads("FlashAttentionTriton"), expect_grads, seeds=(), hidden_draws=1,
         note="causal gradients, n = 50, d = 24"),
))
