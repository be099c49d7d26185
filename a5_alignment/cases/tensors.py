"""Helpers the a5 case modules share beyond shared/cases/tensors.py: response masks, a toy tokenizer and a small
stand-in language model. Input builders return numpy only; torch is imported inside functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases.tensors import randn, tensor


def random_mask(rng: np.random.Generator, shape: tuple[int, ...], p: float = 0.6) -> np.ndarray:
    """A boolean mask with at least one True per row (so per-row means are defined)."""
    m = rng.random(shape) < p
    rows = m.reshape(-1, shape[-1])
    for r in rows:
        if not r.any():
            r[rng.integers(0, shape[-1])] = True
    return rows.reshape(shape)


class PairTokenizer:
    """A toy tokenizer with one merge: printable ASCII c -> ord(c) - 32, the pair "th" -> 95 (greedy, left to
    right), anything else -> the id of "?". eos 96, pad 97, vocab 98. Because "th" merges, encoding a prompt and
    a response separately differs from encoding their concatenation when the prompt ends in "t" and the
    response starts with "h" (the boundary the handout pins)."""

    eos_token_id = 96
    pad_token_id = 97
    vocab_size = 98

    def encode(self, text: str) -> list[int]:
        out, i = [], 0
        while i < len(text):
            if text.startswith("th", i):
                out.append(95)
                i += 2
                continue
            c = text[i]
            out.append(ord(c) - 32 if 32 <= ord(c) < 127 else ord("?") - 32)
            i += 1
        return out

    def decode(self, ids: list[int]) -> str:
        return "".join("th" if i == 95 else chr(i + 32) if i < 95 else "" for i in ids)


WORDS = ("the", "cat", "sat", "on", "a", "mat", "then", "this", "that", "42", "x", "=", "+", "<answer>", " ",
         "hat", "t", "h")


def random_text(rng: np.random.Generator, lo: int, hi: int) -> str:
    return "".join(str(rng.choice(WORDS)) for _ in range(int(rng.integers(lo, hi))))


def prefix_lm_weights(rng: np.random.Generator, vocab: int, dim: int = 8) -> dict:
    return {"emb": randn(rng, (vocab, dim)), "out": randn(rng, (vocab, dim), scale=dim**-0.5),
            "bias": randn(rng, (vocab,))}


def make_prefix_lm(w: dict, wrap_output: bool = False) -> Any:
    """A torch module computing the stand-in LM in float32, logits[b, t] = out @ mean(emb[ids[b, :t+1]]) * 3 + bias
    (optionally returning an object with .logits, as a transformers model does)."""
    import torch
    from torch import nn

    class Out:
        def __init__(self, logits: torch.Tensor) -> None:
            self.logits = logits

    class PrefixLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Parameter(tensor(w["emb"]))
            self.out = nn.Parameter(tensor(w["out"]))
            self.bias = nn.Parameter(tensor(w["bias"]))

        def forward(self, ids: torch.Tensor) -> Any:
            e = self.emb[ids]
            counts = torch.arange(1, ids.shape[1] + 1, dtype=e.dtype)[None, :, None]
            logits = 3.0 * (e.cumsum(dim=1) / counts) @ self.out.T + self.bias
            return Out(logits) if wrap_output else logits

    return PrefixLM()
