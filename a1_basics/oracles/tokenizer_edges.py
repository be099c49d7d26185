"""Expected values of the hidden tokenizer cases (instructor-only), chiefly the naive BPE trainer.

The naive trainer is instructor-only on purpose: it is a complete (slow) answer to HANDOUT.md §4.2. It recounts
every pair after every merge and shares no code with the reference (its own special-token split, its own
merge loop), so where it agrees with the reference, both follow the handout rather than each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import regex

from a1_basics.cases import tokenizer_bpe as bpe


def naive_train_bpe(text: str, vocab_size: int, special_tokens: list[str], pattern: str = bpe.PATTERN,
                    tie_key: Callable[[tuple[bytes, bytes]], Any] = lambda pair: pair,
                    ) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
    """(tokens in id order, merges): the handout's definition, executed literally. `pattern` and `tie_key` (the
    order among pairs of equal count; the greatest wins) exist so mutants can play wrong variants."""
    tokens = [bytes([i]) for i in range(256)] + [s.encode("utf-8") for s in special_tokens]
    # split on special tokens by scanning: at each position, the longest special token that starts there
    stretches, current, i = [], [], 0
    by_length = sorted(special_tokens, key=len, reverse=True)
    while i < len(text):
        hit = next((s for s in by_length if text.startswith(s, i)), None)
        if hit is None:
            current.append(text[i])
            i += 1
        else:
            stretches.append("".join(current))
            current, i = [], i + len(hit)
    stretches.append("".join(current))
    words: Counter[tuple[bytes, ...]] = Counter()
    for stretch in stretches:
        for pre_token in regex.findall(pattern, stretch):
            words[tuple(bytes([b]) for b in pre_token.encode("utf-8"))] += 1
    merges: list[tuple[bytes, bytes]] = []
    while len(tokens) < vocab_size:
        pairs: Counter[tuple[bytes, bytes]] = Counter()
        for word, n in words.items():
            for pair in pairwise(word):
                pairs[pair] += n
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], tie_key(p)))
        merges.append(best)
        tokens.append(best[0] + best[1])
        merged: Counter[tuple[bytes, ...]] = Counter()
        for word, n in words.items():
            out, k = [], 0
            while k < len(word):
                if k + 1 < len(word) and (word[k], word[k + 1]) == best:
                    out.append(best[0] + best[1])
                    k += 2
                else:
                    out.append(word[k])
                    k += 1
            merged[tuple(out)] += n
        words = merged
    return tokens, merges


def expect_naive(inp: dict) -> dict:
    tokens, merges = naive_train_bpe(inp["text"], inp["vocab_size"], inp["special_tokens"])
    return {"vocab": tokens, "merges": [list(m) for m in merges]}


def expect_empty(inp: dict) -> dict:
    return {"encode": [], "decode": "", "iterable": []}
