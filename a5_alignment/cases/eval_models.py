"""Models for a5's bits-per-byte cases that define ONE distribution over strings through two tokenizers: the
characters of a text are drawn independently from p (printable ASCII). Over bytes that is a unigram model; over
the toy tokenizer's pieces (PairTokenizer: "th" is one token) it is a model that knows the greedy merge: after a
lone "t" token the next character cannot be "h". Both give a text that does not end in "t" the probability
prod p(c), so the same bits per byte (HANDOUT §11.4). Input builders return numpy; torch is imported inside."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer

PRINTABLE = 95  # " " (32) .. "~" (126)
NEVER = -1e4  # a logit whose exp is 0 in float32 and float64 after the max is subtracted
T, H, TH = ord("t") - 32, ord("h") - 32, 95


class ByteTokenizer:
    """UTF-8 bytes as ids 0..255, eos 256."""

    eos_token_id = 256
    pad_token_id = 256
    vocab_size = 257

    def encode(self, text: str) -> list[int]:
        return list(text.encode("utf-8"))

    def decode(self, ids: list[int]) -> str:
        return bytes(i for i in ids if i < 256).decode("utf-8", errors="replace")


def char_probs(rng: np.random.Generator) -> np.ndarray:
    """p over the 95 printable characters (float64), each >= ~1e-3, with "t" and "h" common."""
    p = rng.dirichlet(np.full(PRINTABLE, 2.0)) + 1e-3
    p[T] += 0.05
    p[H] += 0.05
    return p / p.sum()


def byte_logits(p: np.ndarray) -> np.ndarray:
    z = np.full(ByteTokenizer.vocab_size, NEVER)
    z[32:127] = np.log(p)
    return z


def pair_logits(p: np.ndarray) -> np.ndarray:
    """Two rows over PairTokenizer's 98 ids: row 0 after any token but a lone "t" (or at the start), row 1 after a
    lone "t". Row 0: a char c != t has log p(c); "t" as a token means "t" then not "h"; "th" means "t" then "h".
    Row 1: the next char is known not to be "h", so every char is p(c) / (1 - p(h)) and "h" is impossible."""
    lp, not_h = np.log(p), np.log1p(-p[H])
    rows = np.full((2, PairTokenizer.vocab_size), NEVER)
    rows[0, :PRINTABLE] = lp
    rows[0, T] = lp[T] + not_h
    rows[0, TH] = lp[T] + lp[H]
    rows[1, :PRINTABLE] = lp - not_h
    rows[1, H] = NEVER
    rows[1, T] = lp[T]  # "t" then not "h", given not "h" first: p(t) (1 - p(h)) / (1 - p(h))
    rows[1, TH] = lp[T] + lp[H] - not_h
    return rows


def make_unigram_lm(z: np.ndarray) -> Any:
    import torch

    class Unigram(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.z = torch.nn.Parameter(torch.tensor(z, dtype=torch.float32))

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.z.expand(*ids.shape, -1)

    return Unigram()


def make_pair_lm(rows: np.ndarray) -> Any:
    import torch

    class AfterT(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rows = torch.nn.Parameter(torch.tensor(rows, dtype=torch.float32))

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.rows[(ids == T).long()]

    return AfterT()
