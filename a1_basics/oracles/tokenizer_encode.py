"""Expected values of a1.tokenizer's cases (instructor-only): tiktoken's GPT-2 encoding (an independent
implementation, loaded offline), a naive encoder that applies merges one by one in creation order, and the worked
example's ids."""

from __future__ import annotations

from a1_basics.cases.tokenizer_bpe import EOT, PATTERN
from a1_basics.cases.tokenizer_encode import DOUBLE_EOT, merge_all


def tiktoken_ids(text: str) -> list[int]:
    """Oracle: tiktoken's own GPT-2 encoding, loaded offline; every <|endoftext|> is special."""
    from a1_basics.tokenizer.tiktoken_offline import gpt2_encoding

    return gpt2_encoding().encode(text, allowed_special={EOT})


def expect_probe(inp: dict) -> list[int]:
    """The gpt2_tokenizer fixture's summary: the probe text's ids."""
    return tiktoken_ids(inp["probe"])


def expect_tiktoken(inp: dict) -> list[int]:
    return tiktoken_ids(inp["text"])


def expect_decode(inp: dict) -> str:
    vocab = {i: b for i, b in inp["vocab"]}
    return b"".join(vocab[i] for i in inp["ids"]).decode("utf-8", errors="replace")


def expect_overlap(inp: dict) -> list[int]:
    """Oracle: cut the text at DOUBLE_EOT first (id 50257, appended after GPT-2's 50256 ids), then tiktoken on
    the rest, where each remaining <|endoftext|> is 50256."""
    out: list[int] = []
    for k, part in enumerate(inp["text"].split(DOUBLE_EOT)):
        if k:
            out.append(50257)
        out += tiktoken_ids(part)
    return out


def expect_chunked(inp: dict) -> list[int]:
    return tiktoken_ids("".join(inp["chunks"]))


def expect_worked(inp: dict) -> list[int]:
    """Pre-tokens "the", " there", " her", " heher"; th=256, the=257, " the"=258, er=259, he=260.
    "the":    t h e -> (t,h) rank 0 -> th e -> (th,e) rank 1 -> [257]
    " there": _ t h e r e -> th (0) -> the (1) -> " the" (2); (the? no) r e stay -> [258, 114, 101]
    " her":   _ h e r -> (e,r) rank 3 beats (h,e) rank 4 -> _ h er; no more merges -> [32, 104, 259]
    " heher": _ h e h e r -> er (3) first -> _ h e h er -> he (4) -> _ he h er -> [32, 260, 104, 259]
    Merging by how often a pair occurs in the word would take (h,e) first in " heher" (twice) instead."""
    return [257, 258, 114, 101, 32, 104, 259, 32, 260, 104, 259]


def naive_encode(vocab: dict[int, bytes], merges: list, text: str, special_tokens: list[str]) -> list[int]:
    """Oracle: the naive definition. Special tokens found by scanning (longest first at each position) and
    appended to the vocab when missing; the rest pre-tokenized; inside each pre-token, merges applied one after
    another in creation order, each to every adjacent occurrence, left to right."""
    import regex

    ids = {b: i for i, b in sorted(vocab.items(), reverse=True)}
    for s in special_tokens:
        ids.setdefault(s.encode(), max(ids.values()) + 1)
    out: list[int] = []

    def ordinary(stretch: str) -> None:
        for pre in regex.findall(PATTERN, stretch):
            tokens = [bytes([b]) for b in pre.encode()]
            for left, right in merges:
                tokens = merge_all(tokens, left, right)
            out.extend(ids[t] for t in tokens)

    by_length = sorted(special_tokens, key=len, reverse=True)
    start = i = 0
    while i < len(text):
        hit = next((s for s in by_length if text.startswith(s, i)), None)
        if hit is None:
            i += 1
            continue
        ordinary(text[start:i])
        out.append(ids[hit.encode()])
        i = start = i + len(hit)
    ordinary(text[start:])
    return out


def expect_naive(inp: dict) -> list[int]:
    return naive_encode({i: b for i, b in inp["vocab"]}, inp["merges"], inp["text"], inp["special_tokens"])
