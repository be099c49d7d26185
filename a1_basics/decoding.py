"""Decoding from a language model: temperature, nucleus (top-p) filtering, and a generation loop that stops at
end-of-text or a length limit, with or without a KV cache."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

# The student release keeps this import (its use is stubbed out) to point at the softmax to reuse.
from a1_basics.nn.activations import softmax  # noqa: F401


def top_p_filter(probs: Tensor, p: float) -> Tensor:
    """Nucleus filtering (Holtzman et al., 2020): keeps the smallest set of tokens whose probabilities sum to at
    least p, taking tokens from most to least probable, zeroes the rest and renormalises.

    probs: (..., vocab), each row a distribution; p in (0, 1]. Returns (..., vocab), same dtype, rows summing
    to 1. Pinned details: equal probabilities are taken lower token id first; a token is kept exactly when the
    mass of the tokens before it is < p, so the most probable token is always kept; p = 1 returns the row
    renormalised with every token kept (no cut from rounding). Naive equivalent: for each row, sort ids by
    (-prob, id), cumsum, keep while the sum before the token is < p.
    """
    # BEGIN SOLUTION
    if p >= 1.0:
        return probs / probs.sum(dim=-1, keepdim=True)
    # subtle: a stable descending sort puts equal probabilities in id order, which pins the tie-break.
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    mass_before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs  # (..., vocab)
    keep_sorted = mass_before < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)  # back to id order
    kept = probs.where(keep, torch.zeros((), dtype=probs.dtype, device=probs.device))
    return kept / kept.sum(dim=-1, keepdim=True)
    # END SOLUTION


def sample_next_token(logits: Tensor, temperature: float = 1.0, top_p: float = 1.0,
                      generator: torch.Generator | None = None) -> Tensor:
    """Draws one token id per row from softmax(logits / temperature), after top-p filtering.

    logits: (vocab,) or (batch, vocab). Returns int64 of shape logits.shape[:-1] (a 0-d tensor for one row).
    temperature 0 means greedy: argmax (the lowest id among equal maxima), no randomness. Randomness comes
    from `generator` (torch's default generator when None). Naive equivalent:
    torch.multinomial(top_p_filter(torch.softmax(logits / temperature, -1), top_p), 1).
    """
    # BEGIN SOLUTION
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = softmax(logits.float() / temperature, dim=-1)
    if top_p < 1.0:
        probs = top_p_filter(probs, top_p)
    rows = probs.reshape(-1, probs.shape[-1])  # multinomial wants (rows, vocab)
    ids = torch.multinomial(rows, 1, generator=generator)  # (rows, 1)
    return ids.reshape(logits.shape[:-1])
    # END SOLUTION


@torch.no_grad()
def generate(model: nn.Module, prompt_ids: Sequence[int] | Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_p: float = 1.0, eos_id: int | None = None, use_kv_cache: bool = True,
             generator: torch.Generator | None = None) -> list[int]:
    """Samples up to max_new_tokens tokens after a non-empty prompt and returns the new ids only (not the
    prompt), ending with eos_id when it was generated. Generation also stops when the sequence reaches
    model.config.context_length.

    model: a TransformerLM (or any module with `config.context_length`, called as model(ids (1, seq)) ->
    logits (1, seq, vocab) and, with use_kv_cache, model(ids, kv_cache=cache) with cache =
    model.make_kv_cache()). With the cache the prompt is run once and then each new token alone; without it
    the whole sequence is recomputed for every token (same tokens, more work). Sampling as sample_next_token.
    """
    # BEGIN SOLUTION
    device = next(model.parameters()).device
    ids = [int(i) for i in (prompt_ids.tolist() if isinstance(prompt_ids, Tensor) else prompt_ids)]
    if not ids:
        raise ValueError("generate needs a non-empty prompt")
    budget = min(max_new_tokens, model.config.context_length - len(ids))
    cache = model.make_kv_cache() if use_kv_cache else None
    new: list[int] = []
    feed = ids  # what the model has not seen yet (with a cache) or the whole sequence (without)
    for _ in range(budget):
        if cache is None:
            logits = model(torch.tensor([ids + new], dtype=torch.long, device=device))  # (1, seq, vocab)
        else:
            logits = model(torch.tensor([feed], dtype=torch.long, device=device), kv_cache=cache)
        token = int(sample_next_token(logits[0, -1], temperature, top_p, generator))
        new.append(token)
        feed = [token]
        if eos_id is not None and token == eos_id:
            break
    return new
    # END SOLUTION
