"""Cases for a5.entropy (against torch.distributions.Categorical in float64, worked examples, huge logits) and
a5.response_log_probs (a stand-in prefix LM defined in tensors.py, against a float64 numpy log-softmax). The
oracles are in a5_alignment/oracles/log_probs.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import make_prefix_lm, prefix_lm_weights
from shared.cases import Case, Impl, Oracles, Suite, close
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.log_probs")  # expected values: instructor-only, never released

# float32 entropy log Z - sum p z of logits |z| <= ~12 (scale 3 at 4 sigma) over <= 11 classes against a float64
# oracle: log Z and sum p z are each rounded at ~eps * max|z| and accumulate a few such roundings, so the error
# is absolute, ~2.5 * 1.2e-7 * 12 ~ 4e-6 at worst (measured 6e-7), not relative to a small entropy: atol 1e-5.
ENTROPY_CLOSE = close(rtol=1e-5, atol=1e-5)
# logits uniform in [-1e3, 1e3] (exp overflows float32 past 88): the float32 log Z ~ max z is rounded at half an
# ulp of 1e3 (3e-5) and the entropy inherits that shift, so atol 1e-4. Normal logits of scale 1e3 reached |z| ~
# 4e3, where half an ulp is 1.2e-4 and failed atol 1e-4 on some draws.
LARGE_LOGITS = 1e3


def run_entropy(impl: Impl, inp: dict) -> Any:
    return impl.compute_entropy(tensor(inp["logits"]))


def worked_entropy_inputs(rng: np.random.Generator) -> dict:
    v = int(rng.integers(3, 257))
    k = int(rng.integers(2, v))
    # row 0: uniform logits (any constant) -> log(v); row 1: one logit 1e4 above the rest -> 0 (no NaN from
    # exp(1e4)); row 2: k equal maxima 29-31 above the rest -> log k + O(v e^-28) ~ log k (30, not 1e4:
    # float32's spacing at 1e4 is 1e-3, which would swamp the log k). The answer depends on v and k alone, so
    # both are drawn from wide ranges: with v in 3..64 and k = 2, a hidden draw's answer repeated a visible one
    # at one fresh secret in twelve (grader/replay.py).
    rows = rng.uniform(-1, 1, (3, v)).astype(np.float32)
    rows[0] = np.float32(rng.uniform(-5, 5))
    rows[1, int(rng.integers(v))] = 1e4
    top = rng.permutation(v)[:k]
    rows[2, top] = 30.0
    return {"logits": rows, "k": k}


def lp_inputs(rng: np.random.Generator) -> dict:
    vocab, b, t = int(rng.integers(5, 30)), int(rng.integers(1, 4)), int(rng.integers(2, 9))
    ids = rng.integers(0, vocab, size=(b, t + 1))
    return {"w": prefix_lm_weights(rng, vocab), "input_ids": ids[:, :-1].astype(np.int64),
            "labels": ids[:, 1:].astype(np.int64)}


def run_lp(impl: Impl, inp: dict, wrap: bool = False) -> Any:
    model = make_prefix_lm(inp["w"], wrap_output=wrap)
    out = impl.get_response_log_probs(model, tensor(inp["input_ids"]), tensor(inp["labels"]),
                                      return_token_entropy=True)
    lp = out["log_probs"]
    lp.sum().backward()
    grad = model.bias.grad
    return {"log_probs": lp.detach(), "token_entropy": out["token_entropy"].detach(),
            "bias_grad": grad if grad is not None else np.zeros(0, np.float32)}


SUITE = Suite(cases=(
    Case(name="entropy/random", inputs=lambda rng: {"logits": randn(rng, (3, 4, 11), scale=3.0)},
         compare=ENTROPY_CLOSE, run=run_entropy, expect=ORACLES.expect_categorical, hidden_draws=2,
         note="logits (3, 4, 11): entropy over the last dim, against torch Categorical in float64"),
    Case(name="entropy/worked_extremes", inputs=worked_entropy_inputs, compare=close(atol=1e-5),
         run=run_entropy, expect=ORACLES.expect_worked_entropy,
         note="uniform -> log V; one logit 1e4 above the rest -> 0; k equal maxima -> log k (no NaN: never exp(1e4))"),
    Case(name="entropy/large_logits",
         # each row shifted by up to 1e3 (exp overflows unless the max is subtracted), spread over a few units
         # so the entropies are far from 0 and differ from draw to draw (uniform logits of size 1e3 give
         # entropy ~0 on every row, an answer a visible draw would replay: grader/replay.py)
         inputs=lambda rng: {"logits": (rng.uniform(-LARGE_LOGITS, LARGE_LOGITS, (5, 1))
                                 + rng.uniform(-3, 3, (5, 17))).astype(np.float32)},
         compare=close(atol=1e-4), run=run_entropy, expect=ORACLES.expect_categorical, seeds=(0,),
         note="logits of size ~1e3: a stable formula gives finite entropies"),
    Case(name="log_probs/prefix_lm", inputs=lp_inputs, compare=close(rtol=1e-4, atol=1e-5), run=run_lp,
         expect=ORACLES.expect_lp, seeds=(0, 1, 2), hidden_draws=2,
         note="a stand-in LM: log p(label) per position, token entropy, and gradients flow into the model"),
    Case(name="log_probs/hf_style_output", inputs=lp_inputs, compare=close(rtol=1e-4, atol=1e-5),
         run=lambda impl, inp: run_lp(impl, inp, wrap=True), expect=ORACLES.expect_lp, seeds=(0,),
         note="a model returning an object with .logits (as transformers does) is accepted too"),
))
