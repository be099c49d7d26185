"""Expected values of a5's bits-per-byte cases (a5_alignment/cases/bits_per_byte.py), instructor-only: the
stand-in LM in float64 (oracles/log_probs.py), and, for one distribution seen through two tokenizers, the
string's own probability prod p(c) with no model and no tokenizer involved."""

from __future__ import annotations

import math

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer
from a5_alignment.oracles.log_probs import log_softmax64, prefix_lm_logits64


def expect_prefix(inp: dict) -> dict:
    ids = np.array(PairTokenizer().encode(inp["text"]))
    inputs = np.concatenate([[PairTokenizer.eos_token_id], ids[:-1]])
    lsm = log_softmax64(prefix_lm_logits64(inp["w"], inputs[None]))[0]
    nll = -float(lsm[np.arange(len(ids)), ids].sum())
    n_bytes = len(inp["text"].encode("utf-8"))
    return {"nll_nats": nll, "num_tokens": float(len(ids)), "num_bytes": float(n_bytes),
            "bits_per_byte": nll / (math.log(2) * n_bytes), "perplexity": math.exp(nll / len(ids))}


def expect_two(inp: dict) -> dict:
    """-log2 P(text) = -sum log2 p(c) over its characters (ASCII: one byte each). Byte tokens: one per character;
    merged tokens: one fewer per "th" (str.count counts the greedy, non-overlapping matches)."""
    text, p = inp["text"], np.asarray(inp["p"], dtype=np.float64)
    nll = -sum(math.log(p[ord(c) - 32]) for c in text)
    n, merged = len(text), len(text) - text.count("th")
    return {"byte_bpb": nll / (math.log(2) * n), "merged_bpb": nll / (math.log(2) * n),
            "byte_tokens": float(n), "merged_tokens": float(merged),
            "byte_perplexity": math.exp(nll / n), "merged_perplexity": math.exp(nll / merged)}
