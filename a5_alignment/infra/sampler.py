"""A batched sampler with a KV cache, our stand-in for vLLM (HANDOUT.md §7.4): temperature, top-p, stop strings,
EOS, a token budget. Used for evaluation and for rollouts.

Our TransformerLM takes no attention mask, so a batch never mixes prompt lengths: prompts are bucketed by their
token length and each bucket is sampled in chunks of `batch_size` rows sharing one cache (rows that finish keep
being fed, and their extra tokens are dropped). GRPO's G copies of one prompt always share a bucket.

Pinned outputs: `text` ends with the first stop string when one was generated (the stop string is included and
nothing after it), EOS is never part of `text` or `token_ids`, and `finish_reason` is "stop", "eos" or "length".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from tqdm import tqdm

from a1_basics.decoding import sample_next_token


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 1.0  # 0 = greedy
    top_p: float = 1.0  # nucleus mass kept
    max_new_tokens: int = 64  # budget per completion (also capped by the model's context length)
    stop: tuple[str, ...] = ("</answer>",)  # generation of a row ends after the first of these strings
    seed: int = 0  # seeds the torch.Generator that draws every token


@dataclass
class Completion:
    prompt: str
    text: str
    token_ids: list[int]
    finish_reason: str


def _logits(model: Any, ids: torch.Tensor, cache: Any) -> torch.Tensor:
    out = model(ids, kv_cache=cache) if cache is not None else model(ids)
    return (out.logits if hasattr(out, "logits") else out)[:, -1].float()  # (batch, vocab)


class _Row:
    def __init__(self, stop: tuple[str, ...], tail: int) -> None:
        self.ids: list[int] = []
        self.text: str | None = None
        self.reason: str | None = None
        self.stop, self.tail = stop, tail


def _check_stop(row: _Row, tokenizer: Any) -> None:
    # subtle: decode only the last few tokens on every step (a stop string of k characters spans at most k
    # tokens, +1 for a token that straddles it); decode everything only once a stop string shows up.
    recent = tokenizer.decode(row.ids[-row.tail:])
    if not any(s in recent for s in row.stop):
        return
    full = tokenizer.decode(row.ids)
    hits = [(full.find(s) + len(s)) for s in row.stop if s in full]
    if hits:
        row.text, row.reason = full[:min(hits)], "stop"


@torch.no_grad()
def sample(model: Any, tokenizer: Any, prompts: Sequence[str], params: SamplingParams = SamplingParams(),
           batch_size: int = 64, use_kv_cache: bool = True, progress: bool = False) -> list[Completion]:
    """One completion per prompt (repeat a prompt G times for G samples), in the order of `prompts`.

    model: a TransformerLM (model(ids (b, L)) -> logits (b, L, vocab); with use_kv_cache also
    model(ids, kv_cache=model.make_kv_cache())). tokenizer: encode/decode/eos_token_id. Without the cache every
    step recomputes the whole sequence (same tokens for the same seed; the reference and the benchmark's
    baseline)."""
    if params.temperature < 0 or not 0 < params.top_p <= 1:
        raise ValueError(f"need temperature >= 0 and 0 < top_p <= 1, got {params.temperature}, {params.top_p}")
    was_training = getattr(model, "training", False)
    model.eval()
    device = next(model.parameters()).device
    gen = torch.Generator(device="cpu").manual_seed(params.seed)
    encoded = [list(tokenizer.encode(p)) for p in prompts]
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, ids in enumerate(encoded):
        if not ids:
            raise ValueError(f"prompt {i} encodes to no tokens")
        buckets[len(ids)].append(i)
    chunks = [idx[s:s + batch_size] for _, idx in sorted(buckets.items()) for s in range(0, len(idx), batch_size)]
    ctx = model.config.context_length
    eos = getattr(tokenizer, "eos_token_id", None)
    tail = max((len(s) for s in params.stop), default=1) + 1
    out: list[Completion | None] = [None] * len(prompts)
    for chunk in tqdm(chunks, desc="sampling", disable=not progress, leave=False):
        prefix = torch.tensor([encoded[i] for i in chunk], dtype=torch.long, device=device)  # (b, L)
        rows = [_Row(params.stop, tail) for _ in chunk]
        cache = model.make_kv_cache() if use_kv_cache else None
        logits = _logits(model, prefix, cache)
        seq = prefix
        for _ in range(max(0, min(params.max_new_tokens, ctx - prefix.shape[1]))):
            nxt = sample_next_token(logits, params.temperature, params.top_p, gen).to(device)  # (b,)
            for r, t in zip(rows, nxt.tolist(), strict=True):
                if r.reason is not None:
                    continue
                if eos is not None and t == eos:
                    r.reason = "eos"
                    continue
                r.ids.append(t)
                if params.stop:
                    _check_stop(r, tokenizer)
            if all(r.reason is not None for r in rows):
                break
            seq = torch.cat([seq, nxt[:, None]], dim=1)
            if seq.shape[1] >= ctx:
                break
            logits = _logits(model, nxt[:, None] if cache is not None else seq, cache)
        for i, r in zip(chunk, rows, strict=True):
            text = r.text if r.text is not None else tokenizer.decode(r.ids)
            out[i] = Completion(prompts[i], text, r.ids, r.reason or "length")
    if was_training:
        model.train()
    return [c for c in out if c is not None]
