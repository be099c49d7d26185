"""Edge cases of the optional unit a1.mla, graded only at hidden seeds; each within what HANDOUT §11.2 pins down
(one head, any leading dims with the cache, per-row token_positions, a long absorbed decode)."""

from __future__ import annotations

from a1_basics.cases import mla
from a1_basics.cases.model import MODEL_CLOSE
from shared.cases import Case, Oracles, Suite

ORACLES = Oracles("a1_basics.oracles.mla")  # expected values: instructor-only, never released

SUITE = Suite(cases=(
    Case(name="mla/edge_one_head", inputs=mla.mla_inputs(num_heads=1), compare=MODEL_CLOSE, run=mla.run_forward,
         expect=ORACLES.expect_forward, note="num_heads 1: the shared RoPE key and the head's own agree"),
    Case(name="mla/edge_leading_dims", inputs=mla.mla_inputs(batch=(2, 2), chunks="tokens", seq_range=(5, 9)),
         compare=MODEL_CLOSE, run=mla.run_chunks, expect=ORACLES.expect_forward,
         note="x (2, 2, seq, d_model) decoded through the latent cache"),
    Case(name="mla/edge_given_positions", inputs=mla.mla_inputs(positions=True, absorb=True), compare=MODEL_CLOSE,
         run=mla.run_forward, expect=ORACLES.expect_forward,
         note="per-row token_positions (batch, seq) starting past 0, absorbed form"),
    Case(name="mla/edge_long_absorbed_decode", inputs=mla.mla_inputs(chunks="tokens", absorb=True,
                                                                    seq_range=(14, 20)),
         compare=MODEL_CLOSE, run=mla.run_chunks, expect=ORACLES.expect_forward,
         note="a short prompt then a dozen single tokens, absorbed, from the latent cache"),
))
