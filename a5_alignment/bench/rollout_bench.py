"""Rollout throughput: sampler.sample with the KV cache vs without it (the whole sequence recomputed for every
new token), same model, prompts, seed and token count, timed side by side. Goal (issue P6): >= 5x on SmolLM2-135M
at 128 new tokens for one GRPO group (8 rows of a short chat prompt; 2 rows are measured too; 8 rows of the tiny
model with --quick). EOS is disabled so every row generates exactly max_new_tokens tokens."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import torch

from a5_alignment.infra.sampler import SamplingParams, sample
from shared.bench import Row


@dataclass
class NoEOS:
    """The tokenizer without an EOS id, so generation runs to the token budget."""

    inner: Any
    eos_token_id: None = None

    def encode(self, text: str) -> list[int]:
        return self.inner.encode(text)

    def decode(self, ids: list[int]) -> str:
        return self.inner.decode(ids)


def _time(model: Any, tok: Any, prompts: list[str], new: int, cache: bool) -> tuple[float, list[list[int]]]:
    params = SamplingParams(temperature=1.0, top_p=1.0, max_new_tokens=new, stop=(), seed=0)
    t = time.perf_counter()
    out = sample(model, tok, prompts, params, batch_size=len(prompts), use_kv_cache=cache)
    return time.perf_counter() - t, [c.token_ids for c in out]


def run(quick: bool) -> list[Row]:
    threads = torch.get_num_threads()
    if quick:
        from a5_alignment.infra.char_tokenizer import CharTokenizer
        from a5_alignment.infra.models import new_tiny_model

        model, tok, name, new = new_tiny_model(), CharTokenizer(), "tiny (d128 L4)", 32
        prompt = "Q: 12+34\nA: <think>"
    else:
        from a5_alignment.infra.models import CHAT, load_smollm2_policy

        model, tok = load_smollm2_policy(max_seq_len=512)
        name, new = "SmolLM2-135M", 128
        # subtle: a short chat prompt keeps the no-cache anchor affordable on 2 busy cores (its cost grows with
        # the whole sequence length at every step); a longer prompt only widens the gap.
        prompt = CHAT.format(content="What is 17+25?")
    tok = NoEOS(tok)
    _time(model, tok, [prompt], 2, True)  # warm-up
    out = []
    # subtle: the cache's gain grows with the rows sampled together (a cached step reads the weights once for all
    # rows; the uncached step recomputes every row's whole sequence), so both a small batch and one full GRPO group
    # of 8 are measured; the goal is stated for the GRPO group, the batch rollouts actually use.
    for rows in ((8,) if quick else (2, 8)):
        prompts = [prompt] * rows  # (part of) one GRPO group
        t_cache, a = _time(model, tok, prompts, new, True)
        t_full, b = _time(model, tok, prompts, new, False)
        n = sum(len(x) for x in a)
        same = sum(x == y for x, y in zip(a, b, strict=True))
        out.append(Row(f"rollouts {name}, {rows} x {new} new tokens", n / t_cache, "tokens/s",
                       "same sampler, no KV cache", n / t_full, True, goal=None if quick or rows < 8 else 5.0,
                       note=f"{same}/{rows} rows identical with and without the cache; prompt "
                            f"{len(tok.encode(prompt))} tokens; {threads} torch threads"))
    return out
