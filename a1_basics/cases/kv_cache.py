"""Cases for a1.kv_cache: incremental decoding with a KVCache equals full recomputation (same weights as model.py,
and its oracle, expect_lm in a1_basics/oracles/model.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.model import LM_CFG, MODEL_CLOSE, build_lm, lm_inputs
from shared.cases import Case, Impl, Oracles, Suite, predicate
from shared.cases.tensors import tensor

MODEL_ORACLES = Oracles("a1_basics.oracles.model")  # expected values: instructor-only, never released


def run_cached_chunks(impl: Impl, inp: dict) -> Any:
    """Feeds ids in the chunks inp["chunks"] through one KVCache; the logits of every chunk, concatenated."""
    import torch

    model = build_lm(impl, inp)
    cache = impl.KVCache(inp["cfg"]["num_layers"], inp["cfg"]["context_length"])
    ids, out, at = tensor(inp["ids"]), [], 0
    with torch.no_grad():
        for n in inp["chunks"]:
            out.append(model(ids[:, at:at + n], kv_cache=cache))
            at += n
    return torch.cat(out, dim=1)


def run_cache_reset(impl: Impl, inp: dict) -> Any:
    """Fills a cache with a first batch, resets it, then runs ids (batch 1) through it in chunks."""
    import torch

    model = build_lm(impl, inp)
    cache = impl.KVCache(inp["cfg"]["num_layers"], inp["cfg"]["context_length"])
    with torch.no_grad():
        model(tensor(inp["first"]), kv_cache=cache)
        cache.reset()
        ids, out, at = tensor(inp["ids"]), [], 0
        for n in inp["chunks"]:
            out.append(model(ids[:, at:at + n], kv_cache=cache))
            at += n
    return torch.cat(out, dim=1)


def cached_inputs(chunks: list[int], num_kv_heads: int = 4, batch: int = 2,
                  first_batch: int | None = None) -> Callable[[np.random.Generator], dict]:
    seq = sum(chunks)

    def make(rng: np.random.Generator) -> dict:
        inp = lm_inputs(num_kv_heads, batch=batch, seq_range=(seq, seq + 1))(rng)
        inp["chunks"] = list(chunks)
        if first_batch is not None:
            inp["first"] = rng.integers(0, LM_CFG["vocab_size"], size=(first_batch, 7)).astype(np.int64)
        return inp

    return make


GREEDY_STEPS = 6
MARGIN_TOL = 1e-3  # top-2 logit gaps below this may flip between two correct float32 implementations


def run_greedy_cached(impl: Impl, inp: dict) -> dict:
    """Greedy decoding with a KVCache (prompt once, then one token per call), and the logits of a full
    recomputation without cache for the sequence it produced."""
    import torch

    model = build_lm(impl, inp)
    cache = impl.KVCache(inp["cfg"]["num_layers"], inp["cfg"]["context_length"])
    seq = tensor(inp["ids"][:1])  # (1, prompt)
    with torch.no_grad():
        logits = model(seq, kv_cache=cache)
        tokens = []
        for _ in range(GREEDY_STEPS):
            nxt = logits[0, -1].argmax()
            tokens.append(int(nxt))
            seq = torch.cat([seq, nxt.view(1, 1)], dim=1)
            logits = model(nxt.view(1, 1), kv_cache=cache)
        full = model(seq[:, :-1])[0, -GREEDY_STEPS:]  # the logits that chose each token, recomputed
    return {"tokens": tokens, "full_logits": full}


def greedy_matches_recompute(inp: dict, out: dict) -> tuple[bool, str]:
    tokens, full = out["tokens"], np.asarray(out["full_logits"], dtype=np.float64)
    if len(tokens) != GREEDY_STEPS or full.shape != (GREEDY_STEPS, inp["cfg"]["vocab_size"]):
        return False, f"expected {GREEDY_STEPS} tokens and logits ({GREEDY_STEPS}, vocab)"
    for i, tok in enumerate(tokens):
        top2 = np.sort(full[i])[-2:]
        if top2[1] - top2[0] > MARGIN_TOL and tok != int(np.argmax(full[i])):
            return False, (f"step {i}: the cached run chose token {tok}, but the full recomputation's argmax is "
                           f"{int(np.argmax(full[i]))} (margin {top2[1] - top2[0]:.3g})")
        if full[i, tok] < top2[1] - MARGIN_TOL:
            return False, f"step {i}: token {tok} is not (near) the argmax of the full recomputation"
    return True, ""


SUITE = Suite(cases=(
    Case(name="kv_cache/prompt_then_tokens", inputs=cached_inputs([5, 1, 1, 1, 1]), compare=MODEL_CLOSE,
         run=run_cached_chunks, expect=MODEL_ORACLES.expect_lm, hidden_draws=2,
         note="a 5-token prompt then 4 single tokens through one KVCache: logits equal the full forward's"),
    Case(name="kv_cache/chunked_gqa", inputs=cached_inputs([3, 2, 1, 4], num_kv_heads=2),
         compare=MODEL_CLOSE, run=run_cached_chunks, expect=MODEL_ORACLES.expect_lm,
         note="chunks of 3, 2, 1, 4 tokens with 2 kv heads: each chunk attends to every cached position"),
    Case(name="kv_cache/greedy_matches_recompute", inputs=lm_inputs(batch=1, seq_range=(4, 5)),
         compare=predicate("cached greedy tokens are the argmax of a full recomputation", greedy_matches_recompute),
         run=run_greedy_cached,
         note="6 greedy steps with a cache; each token is the argmax of the uncached logits (where the top-2 "
              f"margin exceeds {MARGIN_TOL:g})"),
))
