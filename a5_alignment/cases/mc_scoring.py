"""Cases for a5.mc_loglik (HANDOUT §11.3): lm-evaluation-harness's context/continuation split (`_encode_pair`) on
the toy tokenizer whose "th" merge makes the boundary matter, worked by hand; log-likelihood scoring with the
stand-in prefix LM (a5_alignment/cases/tensors.py) against a float64 oracle; a uniform model whose scores are
token counts, worked by hand. Oracles in a5_alignment/oracles/mc_scoring.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer, make_prefix_lm, prefix_lm_weights, random_text
from shared.cases import Case, Comparator, Impl, Oracles, Suite, Verdict, close, exact, raises

ORACLES = Oracles("a5_alignment.oracles.mc_scoring")  # expected values: instructor-only, never released

# A log-likelihood sums <= ~25 float32 log-softmax values of logits |z| <= ~15: each is off by ~1e-6 against
# float64, so the sum by <= ~3e-5: atol 1e-4.
LL_CLOSE = close(rtol=1e-5, atol=1e-4)
# acc and acc_norm are argmaxes of those sums: when the oracle's best and second-best scores are within TIE,
# rounding (which differs across CPUs) may pick either, so either answer is accepted there.
TIE = 1e-3


class MCClose(Comparator):
    """loglikelihoods within LL_CLOSE; acc and acc_norm equal to the oracle's unless its top two were a near tie."""

    name = "mc_close"

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        keys = {"loglikelihoods", "acc", "acc_norm"}
        if not isinstance(outputs, dict) or set(outputs) != keys:
            got = sorted(outputs) if isinstance(outputs, dict) else type(outputs).__name__
            return Verdict(False, f"expected a dict with keys {sorted(keys)}, got {got}")
        v = LL_CLOSE(inputs, outputs["loglikelihoods"], expected["loglikelihoods"])
        if not v.ok:
            return Verdict(False, f"loglikelihoods: {v.message}")
        for key in ("acc", "acc_norm"):
            out = outputs[key]
            if not isinstance(out, (int, float)) or isinstance(out, bool) or float(out) not in (0.0, 1.0):
                return Verdict(False, f"{key}: expected 1.0 or 0.0, got {out!r}")
            if expected[f"{key}_gap"] >= TIE and float(out) != expected[key]:
                return Verdict(False, f"{key}: got {float(out)}, expected {expected[key]} (gold is choice "
                                      f"{inputs['gold']})")
        return v


def run_encode(impl: Impl, inp: dict) -> Any:
    out = []
    for ctx, cont in inp["pairs"]:
        c, k = impl.encode_pair(PairTokenizer(), ctx, cont)
        out.append([[int(x) for x in c], [int(x) for x in k]])
    return out


ENCODE_WORKED = [("Question: 2+2=", " 4"), ("The cat sat ", "on"), ("at", "he"), ("", "the"), ("Answer:\n", "yes"),
                 ("so t", "hat")]


def encode_random_inputs(rng: np.random.Generator) -> dict:
    """Contexts ending in "t" (a merge across the boundary when the continuation starts with "h"), in spaces or a
    newline, or in anything; continuations of >= 2 words (so one always keeps a token of its own)."""
    pairs = []
    for i in range(10):
        # the first three always merge "t" + "h" across the boundary, so every draw meets the rule's point
        ctx = random_text(rng, 1, 6) + ("t" if i < 3 else str(rng.choice(["t", " ", "  ", "\n", "", "t "])))
        if not ctx.strip():
            ctx = "x" + ctx
        cont = ("h" if i < 3 else str(rng.choice(["h", "", " "]))) + random_text(rng, 2, 5)
        pairs.append([ctx, cont])
    order = rng.permutation(len(pairs))
    return {"pairs": [pairs[i] for i in order]}


def run_bad_pair(impl: Impl, inp: dict) -> Any:
    return impl.encode_pair(PairTokenizer(), inp["context"], inp["continuation"])


def mc_inputs(rng: np.random.Generator, wrap: bool = False) -> dict:
    delim = str(rng.choice([" ", ""]))
    ctx = random_text(rng, 2, 7) + str(rng.choice(["t", " ", "", "?"]))
    n = int(rng.integers(2, 6))
    choices = [str(rng.choice(["h", "", "t"])) + random_text(rng, 2, 5) for _ in range(n)]
    return {"w": prefix_lm_weights(rng, PairTokenizer.vocab_size), "context": ctx, "choices": choices,
            "gold": int(rng.integers(n)), "delimiter": delim, "wrap": wrap}


def run_mc(impl: Impl, inp: dict) -> Any:
    model = make_prefix_lm(inp["w"], wrap_output=inp["wrap"])
    out = impl.score_multiple_choice(model, PairTokenizer(), inp["context"], list(inp["choices"]), inp["gold"],
                                     inp["delimiter"])
    import torch

    ll = out["loglikelihoods"]
    ll = ll.detach().numpy() if isinstance(ll, torch.Tensor) else np.asarray(ll)
    return {"loglikelihoods": ll.astype(np.float64), "acc": float(out["acc"]), "acc_norm": float(out["acc_norm"])}


def uniform_inputs(rng: np.random.Generator) -> dict:
    """All weights 0 (so every logit is equal and every token has log-prob -ln 98): a choice's score is -ln 98
    times its number of tokens. " cat" is 4 tokens, " the" 3 (" ", "th", "e"), " thither" 6 (" ", "th", "i",
    "th", "e", "r"): acc picks "the" (fewest tokens), acc_norm picks "thither" (-6/7 ln 98 per character beats
    -3/3 and -4/3); gold 2."""
    v, d = PairTokenizer.vocab_size, 8
    w = {"emb": np.zeros((v, d), np.float32), "out": np.zeros((v, d), np.float32), "bias": np.zeros(v, np.float32)}
    return {"w": w, "context": "Q: pick", "choices": ["cat", "the", "thither"], "gold": 2, "delimiter": " ",
            "wrap": False}


SUITE = Suite(cases=(
    Case(name="encode_pair/worked_examples", inputs=lambda rng: {"pairs": [list(p) for p in ENCODE_WORKED]},
         compare=exact(), run=run_encode, expect=ORACLES.expect_encode_worked, seeds=(0,), hidden_draws=0,
         note="trailing space moves to the continuation; 'at'+'he' merges 'th', so the continuation is just 'e'"),
    Case(name="encode_pair/random", inputs=encode_random_inputs, compare=exact(), run=run_encode,
         expect=ORACLES.expect_encode, hidden_draws=2,
         note="random contexts ending in 't', spaces or a newline: enc(ctx + cont)[len(enc(ctx)):]"),
    *(Case(name=f"encode_pair/{name}_raises", inputs=lambda rng, c=ctx, k=cont: {"context": c, "continuation": k},
           compare=raises(ValueError), run=run_bad_pair, expect=None, seeds=(0,), hidden_draws=0, note=note)
      for name, ctx, cont, note in (
          ("empty_continuation", "the cat", "", "an empty continuation: ValueError"),
          ("whitespace_context", "  ", "cat", "a context of whitespace only: ValueError"),
          ("no_own_token", "at", "h", "'at' + 'h' encodes as 'a', 'th': no token of its own, ValueError"))),
    Case(name="mc_loglik/uniform_model", inputs=uniform_inputs, compare=MCClose(), run=run_mc,
         expect=ORACLES.expect_uniform, seeds=(0,), hidden_draws=0,
         note="equal logits: scores are -ln 98 x token counts; acc 0 ('the' wins), acc_norm 1 ('thither' wins)"),
    Case(name="mc_loglik/prefix_lm", inputs=mc_inputs, compare=MCClose(), run=run_mc, expect=ORACLES.expect_mc,
         seeds=(0, 1, 2), hidden_draws=3,
         note="sum of continuation log-probs vs a float64 oracle; acc and acc_norm (per character of the choice)"),
    Case(name="mc_loglik/hf_style_output", inputs=lambda rng: mc_inputs(rng, wrap=True), compare=MCClose(),
         run=run_mc, expect=ORACLES.expect_mc, seeds=(0,),
         note="a model returning an object with .logits (as transformers does) is accepted too"),
))
