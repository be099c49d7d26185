"""Hidden-only cases of the tokenizer units, and the naive BPE trainer they use as an oracle.

The naive trainer is instructor-only on purpose: it is a complete (slow) answer to HANDOUT.md §4.2. It recounts
every pair after every merge and shares no code with the reference (its own special-token split, its own
merge loop), so where it agrees with the reference, both follow the handout rather than each other.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import regex

from a1_basics.cases import tokenizer_bpe as bpe
from a1_basics.cases import tokenizer_encode as enc
from shared.cases import Case, Impl, Raised, Suite, exact, predicate


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


def corpus_no_specials(rng: np.random.Generator) -> dict:
    return {"text": bpe.random_corpus(rng, 5, 80, separator="", lexicon_size=200),
            "vocab_size": int(rng.integers(300, 420)), "special_tokens": []}


def corpus_whitespace(rng: np.random.Generator) -> dict:
    words = [bpe.random_document(rng, 6) for _ in range(40)]
    gaps = ["  ", "   ", "\n\n", "\n \n", "\t\t", " \n  ", "\r\n", "    "]
    text = "".join(w + gaps[int(rng.integers(len(gaps)))] for w in words)
    return {"text": text + bpe.EOT + text[::-1], "vocab_size": int(rng.integers(280, 360)),
            "special_tokens": [bpe.EOT]}


def corpus_runs_out(rng: np.random.Generator) -> dict:
    word = "".join(rng.choice(list("abcdef"), size=6))
    return {"text": f"{word} {word}{bpe.EOT}{word[::-1]}", "vocab_size": 400, "special_tokens": [bpe.EOT]}


def corpus_minimum_vocab(rng: np.random.Generator) -> dict:
    return {"text": bpe.random_document(rng, 40), "vocab_size": 258, "special_tokens": [bpe.EOT, "<|pad|>"]}


def corpus_overlapping_specials(rng: np.random.Generator) -> dict:
    docs = [bpe.random_document(rng, 25) for _ in range(8)]
    seps = [bpe.EOT, bpe.EOT + bpe.EOT, "<|end|>", bpe.EOT + "<|end|>"]
    text = "".join(d + seps[int(rng.integers(len(seps)))] for d in docs)
    return {"text": text, "vocab_size": int(rng.integers(300, 380)),
            "special_tokens": [bpe.EOT, "<|end|>", bpe.EOT + bpe.EOT]}


def non_utf8_inputs(rng: np.random.Generator) -> dict:
    head = bpe.random_document(rng, int(rng.integers(20, 60))).encode("utf-8")
    bad = [b"\xff", b"\xc3\x28", b"\xe2\x82", b"\x80"][int(rng.integers(4))]
    return {"data": head + bad + b" tail text", "offset": len(head), "vocab_size": 300,
            "special_tokens": [bpe.EOT]}


def run_non_utf8(impl: Impl, inp: dict) -> Any:
    path = Path(tempfile.mkdtemp(prefix="bpe-")) / "corpus.txt"
    path.write_bytes(inp["data"])
    return impl.train_bpe(path, inp["vocab_size"], inp["special_tokens"])


def names_offset(inp: dict, out: Any) -> tuple[bool, str]:
    if not isinstance(out, Raised):
        return False, "returned instead of raising ValueError"
    if out.type not in ("builtins.ValueError", "builtins.UnicodeDecodeError"):
        return False, f"raised {out.type}, expected ValueError"
    return str(inp["offset"]) in out.message, f"the message should name byte offset {inp['offset']}: {out.message!r}"


def empty_inputs(rng: np.random.Generator) -> dict:
    return {"text": ""}


def run_empty(impl: Impl, inp: dict, tok: Any) -> dict:
    return {"encode": tok.encode(""), "decode": tok.decode([]), "iterable": list(tok.encode_iterable(iter([])))}


def specials_only_inputs(rng: np.random.Generator) -> dict:
    return {"text": bpe.EOT * int(rng.integers(1, 5))}


def special_whitespace_inputs(rng: np.random.Generator) -> dict:
    gaps = [" ", "  ", "\n", "\n\n", " \n ", "\t"]
    g = [gaps[int(k)] for k in rng.integers(len(gaps), size=4)]
    return {"text": f"{g[0]}{bpe.EOT}{g[1]}word{g[2]}{bpe.EOT}{g[3]}7"}


def lines_inputs(rng: np.random.Generator) -> dict:
    text = enc.mixed_text(rng, 6) + "\r\nlast line " + bpe.EOT + "\n"
    return {"chunks": text.splitlines(keepends=True)}


def char_chunks_inputs(rng: np.random.Generator) -> dict:
    text = enc.mixed_text(rng, 3)[:150] + "   " + bpe.EOT + " x"
    return {"chunks": list(text)}


def two_specials_inputs(rng: np.random.Generator) -> dict:
    inp = enc.small_vocab_inputs(rng)
    inp["special_tokens"] = ["<|b|>", "<|a|>"]
    inp["text"] = "<|a|>" + inp["text"].replace(bpe.EOT, "<|b|>") + "<|a|><|b|>"
    return inp


HIDDEN_TOKENIZER_CASES = (
    Case(name="tokenizer/edge_empty", inputs=empty_inputs, compare=exact(), run=run_empty,
         expect=lambda inp: {"encode": [], "decode": "", "iterable": []},
         fixture="gpt2_tokenizer", note="encode(\"\"), decode([]) and an empty iterable"),
    Case(name="tokenizer/edge_only_specials", inputs=specials_only_inputs, compare=exact(),
         run=enc.run_encode, expect=enc.expect_tiktoken, fixture="gpt2_tokenizer",
         note="a text made only of <|endoftext|>"),
    Case(name="tokenizer/edge_special_whitespace", inputs=special_whitespace_inputs, compare=exact(),
         run=enc.run_encode, expect=enc.expect_tiktoken, fixture="gpt2_tokenizer",
         note="whitespace right before and after special tokens"),
    Case(name="tokenizer/edge_iterable_lines", inputs=lines_inputs, compare=exact(), run=enc.run_chunked,
         expect=enc.expect_chunked, fixture="gpt2_tokenizer", note="encode_iterable over lines, as from a file"),
    Case(name="tokenizer/edge_iterable_single_chars", inputs=char_chunks_inputs, compare=exact(),
         run=enc.run_chunked, expect=enc.expect_chunked, fixture="gpt2_tokenizer",
         note="encode_iterable fed one character at a time"),
    Case(name="tokenizer/edge_two_new_specials", inputs=two_specials_inputs, compare=exact(),
         run=enc.run_small_vocab, expect=enc.expect_naive,
         note="two special tokens missing from the vocab get max + 1, max + 2 in the order given"),
)


SUITE = Suite(cases=(
    Case(name="bpe/naive_random_corpus", inputs=bpe.corpus_inputs(False, (300, 480)),
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=expect_naive, hidden_draws=2,
         note="random corpus, against a naive trainer"),
    Case(name="bpe/naive_unicode_corpus", inputs=bpe.corpus_inputs(True, (300, 600)),
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=expect_naive,
         note="unicode corpus, against a naive trainer"),
    Case(name="bpe/edge_no_special_tokens", inputs=corpus_no_specials, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=expect_naive, note="special_tokens = []"),
    Case(name="bpe/edge_whitespace_runs", inputs=corpus_whitespace, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=expect_naive, note="runs of spaces, tabs and newlines (\\s+(?!\\S) splits them)"),
    Case(name="bpe/edge_runs_out_of_pairs", inputs=corpus_runs_out, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=expect_naive,
         note="vocab_size beyond what the corpus can merge: stop when no pair is left"),
    Case(name="bpe/edge_minimum_vocab", inputs=corpus_minimum_vocab, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=expect_naive, note="vocab_size = 256 + len(special_tokens): no merges"),
    Case(name="bpe/edge_overlapping_specials", inputs=corpus_overlapping_specials,
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=expect_naive,
         note="special tokens that overlap, one the double of another"),
    Case(name="bpe/edge_non_utf8_offset", inputs=non_utf8_inputs,
         compare=predicate("ValueError naming the offset",
                                                                          names_offset), run=run_non_utf8,
         note="a file that is not UTF-8: ValueError naming the byte offset"),
) + HIDDEN_TOKENIZER_CASES)
