"""Cases for a2.speculative_decoding (HANDOUT §6.2), on small stand-in models defined here (so the unit is graded
apart from any trained network).

A stand-in LM has logits A[x_t] + mean(B[x_0..x_t]) at position t (they depend on the whole prefix); with B = 0
it is a bigram model, with every row of A equal and B = 0 it ignores the prefix (a fixed distribution). The
oracles (a2_systems/oracles/inference_speculative.py, instructor-only) are float64 numpy:
- the joint distribution of the first two new tokens, p(x1 | prompt) p(x2 | prompt, x1), against which
  thousands of speculative samples are chi-squared tested (the output must follow the target exactly, whatever
  the draft: Leviathan et al. 2023, Appendix A.1; Chen et al. 2023, Theorem 1);
- for prefix-free models, the acceptance rate alpha = sum_x min(p(x), q(x)) (Leviathan et al. §3: the
  expected acceptance rate), and i.i.d. tokens from p;
- greedy (temperature 0) decoding of the target alone, where every top-2 logit margin exceeds 0.05;
- with the draft equal to the target every draft token is accepted, so a round of k drafts yields k + 1 tokens
  (the bonus): target calls ceil(n / (k + 1)), draft calls n - ceil(n / (k + 1)).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, distribution, exact, fields, hide, predicate, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a2_systems.oracles.inference_speculative")  # expected values: instructor-only, never released
MIN_MARGIN = 0.05


# ---- float64 logits and softmax (of the oracles, the input generators and the acceptance-rate check) ----

def softmax64(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def logits64(a: np.ndarray, b: np.ndarray, ids: list[int]) -> np.ndarray:
    """The stand-in LM's logits (len(ids), vocab) in float64."""
    idx = np.asarray(ids)
    running = np.cumsum(np.asarray(b, np.float64)[idx], axis=0) / np.arange(1, len(ids) + 1)[:, None]
    return np.asarray(a, np.float64)[idx] + running


# ---- the stand-in LM (worker side) ----

@contextmanager
def one_thread() -> Iterator[None]:
    """subtle: thousands of tiny softmaxes on 2 threads of a busy machine stall for milliseconds each."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def stand_in(a: np.ndarray, b: np.ndarray) -> Any:
    import torch
    from torch import nn

    class StandIn(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.A = nn.Parameter(tensor(a), requires_grad=False)
            self.B = nn.Parameter(tensor(b), requires_grad=False)

        def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
            assert token_ids.dim() == 2 and token_ids.shape[0] == 1, "models take token ids of shape (1, seq)"
            t = token_ids[0]
            running = self.B[t].cumsum(0) / torch.arange(1, t.numel() + 1)[:, None]
            return (self.A[t] + running).unsqueeze(0)  # (1, seq, vocab)

    return StandIn()


def models(inp: dict) -> tuple[Any, Any]:
    return stand_in(inp["A"], inp["B"]), stand_in(inp["Ad"], inp["Bd"])


# ---- the first two tokens' joint distribution ----

DRAWS = 3000


def joint_inputs(k: int, max_new: int) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        v = 4
        return {"A": randn(rng, (v, v), 1.5), "B": randn(rng, (v, v), 1.5), "Ad": randn(rng, (v, v), 1.5),
                "Bd": randn(rng, (v, v), 1.5), "prompt": [int(i) for i in rng.integers(0, v, size=2)],
                "temperature": float(rng.choice([0.8, 1.0, 1.4])), "k": k, "max_new_tokens": max_new,
                "seed": int(rng.integers(2**31))}

    return make


def run_joint(impl: Impl, inp: dict) -> Any:
    import torch

    torch.manual_seed(inp["seed"])
    g = torch.Generator().manual_seed(inp["seed"])
    target, draft = models(inp)
    v = inp["A"].shape[0]
    out = []
    with one_thread():
        for _ in range(DRAWS):
            toks = impl.speculative_decode(target, draft, inp["prompt"], inp["k"], inp["max_new_tokens"],
                                           inp["temperature"], g).tokens
            out.append(int(toks[0]) * v + int(toks[1]))
    return np.asarray(out, dtype=np.int64)


# ---- acceptance rate and tokens of prefix-free models ----

TOKENS = 800


def alpha_of(inp: dict) -> float:
    p, q = softmax64(inp["lt"] / inp["temperature"]), softmax64(inp["ld"] / inp["temperature"])
    return float(np.minimum(p, q).sum())


def unigram_inputs(rng: np.random.Generator) -> dict:
    """Target and draft that ignore the prefix, far enough apart that the acceptance-test mistakes of HANDOUT
    §6.2 (accepting with probability p(x), or min(1, q/p)) change the acceptance rate by at least 0.12."""
    v = 6
    while True:
        t = float(rng.choice([0.8, 1.0, 1.3]))
        lt, ld = randn(rng, (v,), 1.5), randn(rng, (v,), 1.5)
        p, q = softmax64(lt / t), softmax64(ld / t)
        alpha = float(np.minimum(p, q).sum())
        wrong = (float((q * p).sum()), float((q * np.minimum(1, q / p)).sum()))
        if 0.3 < alpha < 0.85 and min(abs(w - alpha) for w in wrong) > 0.12:
            break
    zeros = np.zeros((v, v), np.float32)
    return {"A": np.tile(lt, (v, 1)), "B": zeros, "Ad": np.tile(ld, (v, 1)), "Bd": zeros, "lt": lt, "ld": ld,
            "temperature": t, "prompt": [int(rng.integers(v))], "k": int(rng.integers(2, 6)),
            "seed": int(rng.integers(2**31))}


def run_unigram(impl: Impl, inp: dict) -> dict:
    import torch

    torch.manual_seed(inp["seed"])
    g = torch.Generator().manual_seed(inp["seed"])
    target, draft = models(inp)
    with one_thread():
        r = impl.speculative_decode(target, draft, inp["prompt"], inp["k"], TOKENS, inp["temperature"], g)
    return {"counts": [int(r.accepted), int(r.rejected)], "tokens": np.asarray(r.tokens, dtype=np.int64)}


def rate_near_alpha(inp: dict, counts: list) -> tuple[bool, str, float]:
    """Each evaluated draft token is accepted with probability alpha, independently (prefix-free models), so
    the rate is within 6 standard errors of alpha but for a chance below 1e-8."""
    accepted, rejected = int(counts[0]), int(counts[1])
    n, alpha = accepted + rejected, alpha_of(inp)
    if n == 0:
        return False, "no draft token was evaluated", 1.0
    rate = accepted / n
    se = math.sqrt(alpha * (1 - alpha) / n)
    tol = 6 * se + 1e-3
    # subtle: as distribution()'s margin, on the log scale of the test: log p / log p_edge with p the two-sided
    # normal p-value of the deviation and p_edge that of the tolerance (6 standard errors + 1e-3): 1 at the edge,
    # 0.5 near 4 standard errors (a chance of ~5e-5 per draw), so a correct sampler's margin stays a draw.
    p = max(math.erfc(abs(rate - alpha) / se / math.sqrt(2)), 1e-300)
    margin = math.log(p) / math.log(math.erfc(tol / se / math.sqrt(2))) if p < 1 else 0.0
    return abs(rate - alpha) <= tol, (f"acceptance rate {rate:.4f} over {n} draft tokens; expected alpha = "
                                      f"sum_x min(p(x), q(x)) = {alpha:.4f} +- {tol:.4f}"), margin


# ---- greedy and identical models ----

def greedy_inputs(rng: np.random.Generator) -> dict:
    v, steps = 12, 10
    while True:
        a, b = randn(rng, (v, v), 2.0), randn(rng, (v, v), 2.0)
        inp = {"A": a, "B": b, "Ad": (a + randn(rng, (v, v), 1.0)).astype(np.float32), "Bd": b,
               "prompt": [int(i) for i in rng.integers(0, v, size=3)], "k": int(rng.integers(2, 5)),
               "max_new_tokens": steps}
        ids, margin = list(inp["prompt"]), np.inf
        for _ in range(steps):
            last = logits64(a, b, ids)[-1]
            top2 = np.sort(last)[-2:]
            margin = min(margin, float(top2[1] - top2[0]))
            ids.append(int(np.argmax(last)))
        if margin > MIN_MARGIN:
            inp["path"] = ids[len(inp["prompt"]):]
            return inp


def run_greedy(impl: Impl, inp: dict) -> list:
    target, draft = models(inp)
    r = impl.speculative_decode(target, draft, inp["prompt"], inp["k"], inp["max_new_tokens"], 0.0, None)
    return [int(t) for t in r.tokens]


def same_model_inputs(rng: np.random.Generator) -> dict:
    v = 8
    a = randn(rng, (v, v), 1.5)
    zeros = np.zeros((v, v), np.float32)
    # the counts are the answer and depend on n and k alone: wide ranges, so no hidden draw's counts equal a
    # visible draw's (grader/replay.py)
    return {"A": a, "B": zeros, "Ad": a.copy(), "Bd": zeros, "prompt": [int(rng.integers(v))],
            "k": int(rng.integers(2, 9)), "max_new_tokens": int(rng.integers(9, 200)), "seed": int(rng.integers(2**31))}


def run_same_model(impl: Impl, inp: dict) -> dict:
    import torch

    g = torch.Generator().manual_seed(inp["seed"])
    target, draft = models(inp)
    r = impl.speculative_decode(target, draft, inp["prompt"], inp["k"], inp["max_new_tokens"], 1.0, g)
    return {"accepted": int(r.accepted), "rejected": int(r.rejected), "target_calls": int(r.target_calls),
            "draft_calls": int(r.draft_calls), "num_tokens": len(r.tokens)}


def run_bad(what: str) -> Callable[[Impl, dict], Any]:
    def run(impl: Impl, inp: dict) -> Any:
        target, draft = models(inp)
        if what == "k0":
            impl.speculative_decode(target, draft, inp["prompt"], 0, 5, 1.0, None)
        elif what == "empty_prompt":
            impl.speculative_decode(target, draft, [], 2, 5, 1.0, None)
        elif what == "vocab":
            draft = stand_in(inp["A"][:, :3].copy(), inp["B"][:, :3].copy())
            impl.speculative_decode(target, draft, inp["prompt"], 2, 5, 1.0, None)
        elif what == "temperature":
            impl.speculative_decode(target, draft, inp["prompt"], 2, 5, -1.0, None)
        return "returned"

    return run


SUITE = Suite(cases=(
    Case(name="speculative/joint_two_tokens_k2", inputs=joint_inputs(2, 3), compare=distribution(),
         run=run_joint, expect=ORACLES.expect_joint, hidden_draws=2,
         note=f"{DRAWS} runs, k = 2: the first two tokens (both drafted each round) follow the target's joint "
              "distribution p(x1) p(x2 | x1), chi-squared"),
    Case(name="speculative/joint_two_tokens_bonus", inputs=joint_inputs(1, 2), compare=distribution(),
         run=run_joint, expect=ORACLES.expect_joint,
         note=f"{DRAWS} runs, k = 1: the second token is the bonus token or a fresh round's, chi-squared"),
    Case(name="speculative/acceptance_rate", inputs=unigram_inputs, compare=fields(
            counts=predicate("acceptance rate near alpha = sum_x min(p, q)", rate_near_alpha),
            tokens=distribution()), run=run_unigram, expect=ORACLES.expect_unigram, hidden_draws=2,
         note=f"prefix-free target and draft, {TOKENS} tokens: accepted / (accepted + rejected) near "
              "sum_x min(p(x), q(x)) (Leviathan et al. 2023 §3), the tokens i.i.d. from p"),
    Case(name="speculative/greedy_equals_target", inputs=greedy_inputs, compare=exact(), run=run_greedy,
         expect=ORACLES.expect_path, public=hide("path"),
         note="temperature 0 with a different draft: the tokens of plain greedy decoding of the target"),
    Case(name="speculative/same_model_bonus", inputs=same_model_inputs, compare=exact(), run=run_same_model,
         expect=ORACLES.expect_same_model,
         note="draft = target: every draft accepted and each round ends with the bonus token, so "
              "ceil(n / (k + 1)) target calls"),
    Case(name="speculative/k_zero_raises", inputs=joint_inputs(2, 3), compare=raises(ValueError),
         run=run_bad("k0"), seeds=(0,), note="k = 0 draft tokens per round: ValueError"),
    Case(name="speculative/vocab_mismatch_raises", inputs=joint_inputs(2, 3), compare=raises(ValueError),
         run=run_bad("vocab"), seeds=(0,), note="a draft with 3 logits for a target with 4: ValueError"),
))
