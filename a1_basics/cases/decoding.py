"""Cases for a1.decoding: top_p_filter against a numpy oracle, sampling with a chi-squared test against the
oracle's probabilities, and generate() on a small stand-in LM defined here (so decoding is graded apart from the
student's TransformerLM). The oracles are in a1_basics/oracles/decoding.py.

The stand-in's logits at position t are A[x_t] + mean(B[x_0..x_t]) (they depend on the whole prefix); it takes
the same calls as a TransformerLM, including a cache from its own make_kv_cache(). Inputs are drawn until the
greedy path has every top-2 logit margin above 0.05, so float32 and float64 agree on each argmax.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import DIST_ALPHA
from shared.cases import Case, Impl, Oracles, Suite, close, distribution, exact, hide
from shared.cases.tensors import f64, randn, tensor

ORACLES = Oracles("a1_basics.oracles.decoding")  # expected values: instructor-only, never released

MIN_MARGIN = 0.05  # top-2 logit gap required along oracle greedy paths
P_MARGIN = 1e-3  # top-p thresholds are kept this far from every cumulative mass


# ---- numpy helpers (inputs, the stand-in LM's logits, its greedy path) ----

def softmax64(logits: np.ndarray) -> np.ndarray:
    z = f64(logits) - f64(logits).max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def away_from_masses(rng: np.random.Generator, probs: np.ndarray, lo: float, hi: float) -> float:
    """A threshold p in [lo, hi] at least P_MARGIN from every cumulative mass of every row (so float32 and
    float64 cumsums cut at the same token)."""
    sorted_rows = -np.sort(-f64(probs).reshape(-1, probs.shape[-1]), axis=-1)
    masses = np.cumsum(sorted_rows, axis=-1).ravel()
    while True:
        p = float(rng.uniform(lo, hi))
        if np.abs(masses - p).min() > P_MARGIN:
            return p


def prefix_logits(a: np.ndarray, b: np.ndarray, ids: list[int]) -> np.ndarray:
    """The stand-in LM's logits (len(ids), vocab) in float64."""
    ids_arr = np.asarray(ids)
    running = np.cumsum(f64(b)[ids_arr], axis=0) / np.arange(1, len(ids) + 1)[:, None]
    return f64(a)[ids_arr] + running


def greedy_path(inp: dict, steps: int) -> tuple[list[int], float]:
    """The oracle's greedy tokens after the prompt and the smallest top-2 margin along the way."""
    ids, margin = list(inp["prompt"]), np.inf
    for _ in range(steps):
        last = prefix_logits(inp["A"], inp["B"], ids)[-1]
        top2 = np.sort(last)[-2:]
        margin = min(margin, float(top2[1] - top2[0]))
        ids.append(int(np.argmax(last)))
    return ids[len(inp["prompt"]):], margin


# ---- the stand-in LM (worker side) ----

def stand_in_lm(inp: dict) -> Any:
    import torch
    from torch import nn

    class Cache:
        def __init__(self) -> None:
            self.ids: list[int] = []

    class Config:
        context_length = inp["context_length"]
        vocab_size = inp["A"].shape[0]
        num_layers = 1

    class PrefixLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.config = Config()
            self.A = nn.Parameter(tensor(inp["A"]).clone(), requires_grad=False)
            self.B = nn.Parameter(tensor(inp["B"]).clone(), requires_grad=False)

        def make_kv_cache(self) -> Cache:
            return Cache()

        def forward(self, token_ids: torch.Tensor, kv_cache: Cache | None = None) -> torch.Tensor:
            assert token_ids.dim() == 2 and token_ids.shape[0] == 1, "generate feeds token ids of shape (1, seq)"
            new = [int(i) for i in token_ids[0]]
            if kv_cache is None:
                ids = new
            else:
                kv_cache.ids += new
                ids = kv_cache.ids
            assert len(ids) <= self.config.context_length, "the sequence outgrew the context length"
            t = torch.tensor(ids)
            running = self.B[t].cumsum(0) / torch.arange(1, len(ids) + 1)[:, None]
            return (self.A[t] + running)[-len(new):].unsqueeze(0)  # (1, len(new), vocab)

    return PrefixLM()


def lm_inputs(vocab: int, prompt_len: int, steps: int, context_length: int = 32) -> Callable:
    def make(rng: np.random.Generator) -> dict:
        while True:
            inp = {"A": randn(rng, (vocab, vocab), 2.0), "B": randn(rng, (vocab, vocab), 2.0),
                   "prompt": [int(i) for i in rng.integers(0, vocab, size=prompt_len)],
                   "context_length": context_length, "max_new_tokens": steps}
            path, margin = greedy_path(inp, steps)
            if margin > MIN_MARGIN:
                inp["path"] = path
                return inp

    return make


def eos_inputs(rng: np.random.Generator) -> dict:
    inp = lm_inputs(10, 3, 10)(rng)
    path = inp["path"]
    # eos: the first token after step 1 not seen before on the path (else the first token)
    stop = next((i for i in range(1, len(path)) if path[i] not in path[:i]), 0)
    inp["eos_id"] = path[stop]
    inp["expected"] = path[:stop + 1]
    return inp


def run_generate(use_kv_cache: bool) -> Callable[[Impl, dict], Any]:
    def run(impl: Impl, inp: dict) -> list:
        out = impl.generate(stand_in_lm(inp), inp["prompt"], inp["max_new_tokens"], temperature=0.0,
                            eos_id=inp.get("eos_id"), use_kv_cache=use_kv_cache)
        return [int(t) for t in out]

    return run


# ---- top-p and sampling ----

def top_p_inputs(rng: np.random.Generator) -> dict:
    probs = softmax64(rng.standard_normal((4, 12)) * 2.0).astype(np.float32)
    return {"probs": probs, "p": away_from_masses(rng, probs, 0.3, 0.95)}


def ties_inputs(rng: np.random.Generator) -> dict:
    # sixteenths are exact in float32: masses before, sorted: 0, 4, 7, 10, 13, 15 (/16); p = 8.5/16 keeps the
    # 4 and the two LOWEST-id 3s. Row 2 is the same row with p = 1 (every token kept).
    row = np.array([4, 3, 3, 3, 2, 1], dtype=np.float32) / 16
    rows = np.stack([rng.permutation(row), rng.permutation(row)])
    return {"rows": rows, "ps": [8.5 / 16, 1.0]}


def run_top_p(impl: Impl, inp: dict) -> Any:
    return impl.top_p_filter(tensor(inp["probs"]), inp["p"])


def run_top_p_rows(impl: Impl, inp: dict) -> list:
    return [impl.top_p_filter(tensor(row), p) for row, p in zip(inp["rows"], inp["ps"], strict=True)]


SAMPLES = 4000


def sample_inputs(rng: np.random.Generator) -> dict:
    logits = randn(rng, (10,), 1.5)
    temperature = float(rng.choice([0.5, 0.8, 1.3]))
    probs = softmax64(f64(logits) / temperature)
    return {"logits": logits, "temperature": temperature, "top_p": away_from_masses(rng, probs, 0.6, 0.95),
            "seed": int(rng.integers(2**31))}


def run_sample(impl: Impl, inp: dict) -> Any:
    import torch

    torch.manual_seed(inp["seed"])
    g = torch.Generator().manual_seed(inp["seed"])
    logits = tensor(inp["logits"]).expand(SAMPLES, -1).contiguous()
    return impl.sample_next_token(logits, inp["temperature"], inp["top_p"], g).long()


def greedy_inputs(rng: np.random.Generator) -> dict:
    logits = randn(rng, (5, 20), 3.0)
    return {"logits": logits}


def run_greedy(impl: Impl, inp: dict) -> dict:
    batch = impl.sample_next_token(tensor(inp["logits"]), 0.0, 1.0, None)
    single = impl.sample_next_token(tensor(inp["logits"][0]), 0.0, 1.0, None)
    return {"batch": batch.long(), "single": single.long()}


GENERATE_DRAWS = 600


def generate_sample_inputs(rng: np.random.Generator) -> dict:
    inp = lm_inputs(6, 2, 1)(rng)
    inp["temperature"] = float(rng.choice([0.7, 1.5]))
    probs = softmax64(prefix_logits(inp["A"], inp["B"], inp["prompt"])[-1] / inp["temperature"])
    inp["top_p"] = away_from_masses(rng, probs, 0.6, 0.95)
    inp["seed"] = int(rng.integers(2**31))
    return inp


def run_generate_samples(impl: Impl, inp: dict) -> Any:
    import numpy
    import torch

    torch.manual_seed(inp["seed"])
    g = torch.Generator().manual_seed(inp["seed"])
    model = stand_in_lm(inp)
    draws = [impl.generate(model, inp["prompt"], 1, temperature=inp["temperature"], top_p=inp["top_p"],
                           use_kv_cache=False, generator=g)[0] for _ in range(GENERATE_DRAWS)]
    return numpy.asarray(draws, dtype=numpy.int64)


SUITE = Suite(cases=(
    Case(name="top_p/rows", inputs=top_p_inputs, compare=close(rtol=1e-5, atol=1e-7), run=run_top_p,
         expect=ORACLES.expect_top_p, hidden_draws=2,
         note="probs (4, 12), one p: keep the most probable tokens until their mass reaches p, renormalise"),
    Case(name="top_p/ties_and_p_one", inputs=ties_inputs, compare=close(rtol=1e-6, atol=1e-7),
         run=run_top_p_rows,
         expect=ORACLES.expect_top_p_rows,
         note="equal probabilities are taken lower id first; p = 1 keeps every token"),
    Case(name="sample/temperature_top_p", inputs=sample_inputs, compare=distribution(alpha=DIST_ALPHA),
         run=run_sample, expect=ORACLES.expect_sample_probs, hidden_draws=2,
         note=f"{SAMPLES} draws from logits (10,) with a temperature and top-p: chi-squared against "
              "top_p(softmax(logits / T))"),
    Case(name="sample/greedy", inputs=greedy_inputs, compare=exact(), run=run_greedy,
         expect=ORACLES.expect_greedy,
         note="temperature 0 is argmax: logits (5, 20) -> ids (5,), logits (20,) -> a 0-d id"),
    Case(name="generate/greedy_no_cache", inputs=lm_inputs(12, 3, 8), compare=exact(), public=hide("path"),
         run=run_generate(False), expect=ORACLES.expect_path, hidden_draws=2,
         note="8 greedy tokens from a stand-in LM without a cache: each the argmax of the full prefix's logits"),
    Case(name="generate/greedy_with_cache", inputs=lm_inputs(12, 3, 8), compare=exact(), public=hide("path"),
         run=run_generate(True), expect=ORACLES.expect_path,
         note="the same with use_kv_cache=True: the prompt once via model.make_kv_cache(), then one token per "
              "call"),
    Case(name="generate/stops_at_eos", inputs=eos_inputs, compare=exact(), run=run_generate(False),
         public=hide("path", "expected"),
         expect=ORACLES.expect_eos,
         note="generation stops right after eos_id, which is the last id returned (the prompt is not returned)"),
    Case(name="generate/sampled_token", inputs=generate_sample_inputs,
         compare=distribution(alpha=DIST_ALPHA), run=run_generate_samples, expect=ORACLES.expect_generate_probs,
         note=f"{GENERATE_DRAWS} one-token generations with temperature and top-p: chi-squared against the "
              "stand-in LM's filtered distribution"),
))
