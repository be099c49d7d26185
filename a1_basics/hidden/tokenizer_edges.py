"""Hidden-only cases of the tokenizer units. Their oracle, a naive BPE trainer (a complete, slow answer to
HANDOUT.md §4.2), is in the instructor-only a1_basics/oracles/tokenizer_edges.py; the tokenizer cases reuse the
oracles of a1_basics/oracles/tokenizer_encode.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from a1_basics.cases import tokenizer_bpe as bpe
from a1_basics.cases import tokenizer_encode as enc
from shared.cases import Case, Impl, Oracles, Raised, Suite, exact, predicate

ORACLES = Oracles("a1_basics.oracles.tokenizer_edges")  # expected values: instructor-only, never released
ENCODE = Oracles("a1_basics.oracles.tokenizer_encode")


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
         expect=ORACLES.expect_empty,
         fixture="gpt2_tokenizer", note="encode(\"\"), decode([]) and an empty iterable"),
    Case(name="tokenizer/edge_only_specials", inputs=specials_only_inputs, compare=exact(),
         run=enc.run_encode, expect=ENCODE.expect_tiktoken, fixture="gpt2_tokenizer",
         note="a text made only of <|endoftext|>"),
    Case(name="tokenizer/edge_special_whitespace", inputs=special_whitespace_inputs, compare=exact(),
         run=enc.run_encode, expect=ENCODE.expect_tiktoken, fixture="gpt2_tokenizer",
         note="whitespace right before and after special tokens"),
    Case(name="tokenizer/edge_iterable_lines", inputs=lines_inputs, compare=exact(), run=enc.run_chunked,
         expect=ENCODE.expect_chunked, fixture="gpt2_tokenizer", note="encode_iterable over lines, as from a file"),
    Case(name="tokenizer/edge_iterable_single_chars", inputs=char_chunks_inputs, compare=exact(),
         run=enc.run_chunked, expect=ENCODE.expect_chunked, fixture="gpt2_tokenizer",
         note="encode_iterable fed one character at a time"),
    Case(name="tokenizer/edge_two_new_specials", inputs=two_specials_inputs, compare=exact(),
         run=enc.run_small_vocab, expect=ENCODE.expect_naive,
         note="two special tokens missing from the vocab get max + 1, max + 2 in the order given"),
)


SUITE = Suite(cases=(
    Case(name="bpe/naive_random_corpus", inputs=bpe.corpus_inputs(False, (300, 480)),
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=ORACLES.expect_naive, hidden_draws=2,
         note="random corpus, against a naive trainer"),
    Case(name="bpe/naive_unicode_corpus", inputs=bpe.corpus_inputs(True, (300, 600)),
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=ORACLES.expect_naive,
         note="unicode corpus, against a naive trainer"),
    Case(name="bpe/edge_no_special_tokens", inputs=corpus_no_specials, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=ORACLES.expect_naive, note="special_tokens = []"),
    Case(name="bpe/edge_whitespace_runs", inputs=corpus_whitespace, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=ORACLES.expect_naive,
         note="runs of spaces, tabs and newlines (\\s+(?!\\S) splits them)"),
    Case(name="bpe/edge_runs_out_of_pairs", inputs=corpus_runs_out, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=ORACLES.expect_naive,
         note="vocab_size beyond what the corpus can merge: stop when no pair is left"),
    Case(name="bpe/edge_minimum_vocab", inputs=corpus_minimum_vocab, compare=bpe.TRAIN_COMPARE,
         run=bpe.run_train, expect=ORACLES.expect_naive, note="vocab_size = 256 + len(special_tokens): no merges"),
    Case(name="bpe/edge_overlapping_specials", inputs=corpus_overlapping_specials,
         compare=bpe.TRAIN_COMPARE, run=bpe.run_train, expect=ORACLES.expect_naive,
         note="special tokens that overlap, one the double of another"),
    Case(name="bpe/edge_non_utf8_offset", inputs=non_utf8_inputs,
         compare=predicate("ValueError naming the offset",
                                                                          names_offset), run=run_non_utf8,
         note="a file that is not UTF-8: ValueError naming the byte offset"),
) + HIDDEN_TOKENIZER_CASES)
