"""Cases for a1.train_bpe and a1.bpe_speed.

Corpora are built from the seed out of the word lists below (our own), with `<|endoftext|>` between documents.
Visible exact cases compare with the reference's merges; the same corpora are checked at hidden seeds against a
deliberately naive trainer (a full recount per merge, in the instructor-only a1_basics/oracles/tokenizer_edges.py),
which shares no code with the reference. The tie-break case is a worked example (its expected merges are in
a1_basics/oracles/tokenizer_bpe.py) and the layout case a property: neither needs the reference.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, Timed, exact, fields, predicate, raises, set_equal

ORACLES = Oracles("a1_basics.oracles.tokenizer_bpe")  # expected values: instructor-only, never released

EOT = "<|endoftext|>"
# GPT-2's pre-tokenizer, as the handout pins it (the oracles use this literal, not the reference's constant)
PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

WORDS = (
    "the of and to in a is that it was he for on with as his at by be this had not are but from or have an they "
    "which one you were her all she there would their we him been has when who will more no if out so said what "
    "up its about into than them can only other new some could time these two may then do first any my now such "
    "like our over man me even most made after also did many before must through back years where much your way "
    "well down should because each just those people how too little state good very make world still own see men "
    "work long get here between both life being under never day same another know while last might us great old "
    "year off come since against go came right used take three king queen castle river garden winter morning"
).split()
PUNCT = (".", ",", "!", "?", ";", ":", "'s", "'ll", "'re", " -", " (", ")", "\"")
NUMBERS = ("1", "7", "42", "1999", "2024", "3.14", "100,000", "12th")
UNICODE_WORDS = ("café", "naïve", "Zürich", "Straße", "Grüße", "über", "façade", "São", "Ångström", "crème",
                 "東京", "中文", "日本語", "русский", "ελληνικά", "😀", "🚀", "👍🏽", "✓", "€5", "½", "—")
SPACES = (" ", " ", " ", " ", " ", "  ", "\n", "\n\n", "   ", "\t")


SYLLABLES = ("ka", "ri", "str", "on", "el", "mu", "ta", "ven", "or", "is", "lo", "pra", "dun", "ei", "sha", "ck",
             "gor", "ith", "um", "bel", "qua", "zo", "ne", "wy", "ph", "tre", "ald", "ox", "fi", "ru")


def make_lexicon(rng: np.random.Generator, n: int) -> tuple[str, ...]:
    """n made-up words of 1-4 syllables: a vocabulary far larger than WORDS, as real corpora have."""
    return tuple("".join(SYLLABLES[int(k)] for k in rng.integers(len(SYLLABLES), size=int(rng.integers(1, 5))))
                 for _ in range(n))


def _pick(rng: np.random.Generator, items: tuple[str, ...] | list[str], zipf: bool = True) -> str:
    if not zipf:
        return items[int(rng.integers(len(items)))]
    weights = 1.0 / np.arange(1, len(items) + 1)
    return items[int(rng.choice(len(items), p=weights / weights.sum()))]


def random_document(rng: np.random.Generator, n_words: int, unicode: bool = False,
                    lexicon: tuple[str, ...] = ()) -> str:
    """A pseudo-English document: Zipf-distributed words (a third from `lexicon` when given), capitals,
    punctuation, numbers, whitespace runs."""
    out = []
    for i in range(n_words):
        r = rng.random()
        if unicode and r < 0.2:
            word = _pick(rng, UNICODE_WORDS, zipf=False)
        elif r < 0.05:
            word = _pick(rng, NUMBERS, zipf=False)
        else:
            word = _pick(rng, lexicon if lexicon and rng.random() < 0.35 else WORDS)
            if i == 0 or rng.random() < 0.08:
                word = word.capitalize()
        out.append(word)
        if rng.random() < 0.12:
            out.append(_pick(rng, PUNCT, zipf=False))
        out.append(_pick(rng, SPACES, zipf=False) if rng.random() < 0.15 else " ")
    return "".join(out).rstrip()


def random_corpus(rng: np.random.Generator, n_docs: int, words_per_doc: int, unicode: bool = False,
                  separator: str = EOT, lexicon_size: int = 0) -> str:
    lexicon = make_lexicon(rng, lexicon_size) if lexicon_size else ()
    docs = [random_document(rng, int(rng.integers(words_per_doc // 2, words_per_doc + 1)), unicode, lexicon)
            for _ in range(n_docs)]
    return separator.join(docs) if separator else "\n".join(docs)


def corpus_inputs(unicode: bool, vocab_range: tuple[int, int], specials: tuple[str, ...] = (EOT,)):
    def make(rng: np.random.Generator) -> dict:
        sep = specials[0] if specials else ""
        text = random_corpus(rng, int(rng.integers(6, 12)), 90, unicode, sep, lexicon_size=300)
        if len(specials) > 1:  # sprinkle the other special tokens between sentences
            parts = text.split(". ")
            text = ". ".join(p + (specials[int(rng.integers(1, len(specials)))] if rng.random() < 0.3 else "")
                             for p in parts)
        return {"text": text, "vocab_size": int(rng.integers(*vocab_range)), "special_tokens": list(specials)}

    return make


def write_corpus(text: str) -> Path:
    """The corpus as a file in the worker's scratch folder, byte for byte (no newline translation)."""
    path = Path(tempfile.mkdtemp(prefix="bpe-")) / "corpus.txt"
    path.write_bytes(text.encode("utf-8"))
    return path


def run_train(impl: Impl, inp: dict) -> dict:
    vocab, merges = impl.train_bpe(write_corpus(inp["text"]), inp["vocab_size"], inp["special_tokens"])
    return {"vocab": [vocab[i] for i in sorted(vocab)], "merges": [list(m) for m in merges]}


def run_train_layout(impl: Impl, inp: dict) -> dict:
    vocab, merges = impl.train_bpe(write_corpus(inp["text"]), inp["vocab_size"], inp["special_tokens"])
    return {"ids": sorted(vocab), "tokens": [vocab[i] for i in sorted(vocab)], "merges": [list(m) for m in merges]}


TRAIN_COMPARE = fields(vocab=set_equal(), merges=exact())


def tie_inputs(rng: np.random.Generator) -> dict:
    p, q, r = sorted(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=3, replace=False), reverse=True)
    return {"text": f"{p}{r} {p}{q} {r}{p}{EOT}", "vocab_size": 256 + 1 + 5, "special_tokens": [EOT],
            "letters": [str(p), str(q), str(r)]}


def layout_ok(inp: dict, out: dict) -> tuple[bool, str]:
    ids, tokens, merges = out["ids"], out["tokens"], out["merges"]
    specials = [s.encode() for s in inp["special_tokens"]]
    n_fixed = 256 + len(specials)
    if ids != list(range(len(ids))):
        return False, f"ids are not 0..{len(ids) - 1} without gaps"
    if len(ids) != inp["vocab_size"]:
        return False, f"{len(ids)} tokens, expected vocab_size = {inp['vocab_size']}"
    if tokens[:256] != [bytes([i]) for i in range(256)]:
        return False, "ids 0-255 must be the single bytes, id i = bytes([i])"
    if tokens[256:n_fixed] != specials:
        return False, f"ids 256..{n_fixed - 1} must be the special tokens in the order given, got {tokens[256:n_fixed]}"
    if len(merges) != len(ids) - n_fixed:
        return False, f"{len(merges)} merges for {len(ids) - n_fixed} learned tokens"
    for k, (a, b) in enumerate(merges):
        if tokens[n_fixed + k] != a + b:
            return False, f"merge {k} {(a, b)} should have created token {n_fixed + k}, found {tokens[n_fixed + k]!r}"
    for t in tokens[n_fixed:]:
        if b"<|" in t or b"|>" in t:
            return False, f"learned token {t!r} contains part of a special token"
    return True, ""


def too_small_inputs(rng: np.random.Generator) -> dict:
    specials = [EOT, "<|pad|>"]
    return {"text": random_document(rng, 30), "vocab_size": int(rng.integers(200, 256 + len(specials))),
            "special_tokens": specials}


def missing_file_inputs(rng: np.random.Generator) -> dict:
    return {"name": f"no-such-corpus-{int(rng.integers(1 << 30))}.txt", "vocab_size": 300, "special_tokens": [EOT]}


def run_missing(impl: Impl, inp: dict) -> Any:
    path = Path(tempfile.mkdtemp(prefix="bpe-")) / inp["name"]
    return impl.train_bpe(path, inp["vocab_size"], inp["special_tokens"])


# ---- a1.bpe_speed -------------------------------------------------------------------------------------------

def calibration_workload() -> int:
    """A fixed pure-Python workload of the same kind as BPE training (tuple keys, dict counts, list scans), so a
    machine's speed scales both alike. It is not a BPE trainer."""
    state, seq = 12345, []
    for _ in range(60_000):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        seq.append(state % 97)
    total = 0
    for step in range(12):
        counts: dict[tuple[int, int], int] = {}
        for pair in zip(seq, seq[1:], strict=False):
            counts[pair] = counts.get(pair, 0) + 1
        best = max(counts, key=lambda k: (counts[k], k))
        total += counts[best]
        seq = [x if x != best[0] else (x + step) % 97 for x in seq]
    return total


def speed_inputs(n_docs: int, vocab_size: int):
    def make(rng: np.random.Generator) -> dict:
        text = random_corpus(rng, n_docs, 240, lexicon_size=4000)
        return {"text": text, "vocab_size": vocab_size, "special_tokens": [EOT]}

    return make


# The reference's ratio of CPU times (train_bpe's one call / the faster of two calibration runs), each in a fresh
# worker process and read by the grader from host /proc (grader/timing.py), on this project's 2-core machine
# (re-measured 2026-12-04, after P17's incremental pair counts, 3 gradings of the reference in bwrap): ~130 KB /
# vocab 500: 0.43-0.57; ~100 KB / vocab 1000: 0.43-0.75. In-process (grader check) 0.32-0.47. Before that speed-up
# a deep check (33 fresh draws, in a long-lived process, beside other jobs) once saw 1.89. The limit is 2, about
# 4x the reference's typical ratio: a correct trainer 6x slower than the reference (~3) fails, and a trainer that
# recounts every pair after each merge (mutants/bpe_full_recount.py) measured 8.7-10.2 and 14-17 and fails. The
# times are 10 ms clock ticks: the call is ~0.04-0.09 s, so a ratio moves in steps of ~0.08.
SPEED_LIMIT = {500: 2.0, 1000: 2.0}


def merges_digest(merges: list) -> str:
    h = hashlib.sha256()
    for a, b in merges:
        h.update(len(a).to_bytes(4, "little") + bytes(a) + len(b).to_bytes(4, "little") + bytes(b))
    return h.hexdigest()


def run_speed_digest(impl: Impl, inp: dict) -> dict:
    _, merges = impl.train_bpe(write_corpus(inp["text"]), inp["vocab_size"], inp["special_tokens"])
    return {"digest": merges_digest(merges)}


def run_speed_layout(impl: Impl, inp: dict) -> dict:
    vocab, merges = impl.train_bpe(write_corpus(inp["text"]), inp["vocab_size"], inp["special_tokens"])
    return {"layout": {"ids": sorted(vocab), "tokens": [vocab[i] for i in sorted(vocab)],
                       "merges": [list(m) for m in merges]}}


SUITE = Suite(cases=(
    Case(name="bpe/random_corpus", inputs=corpus_inputs(False, (300, 480)), compare=TRAIN_COMPARE,
         run=run_train, expect="reference",
         note="a ~4 KB English-like corpus with <|endoftext|> between documents: vocab as a set, merges in order"),
    Case(name="bpe/unicode_corpus", inputs=corpus_inputs(True, (300, 600)), compare=TRAIN_COMPARE,
         run=run_train, expect="reference",
         note="accents, CJK and emoji: merges operate on UTF-8 bytes, so tokens may hold part of a character"),
    Case(name="bpe/tie_break_raw_bytes", inputs=tie_inputs, compare=TRAIN_COMPARE, run=run_train,
         expect=ORACLES.expect_tie,
         note="\"pr pq rp\": every pair occurs once, so ties decide all 5 merges: the greater pair of raw bytes wins"),
    Case(name="bpe/vocab_layout", inputs=corpus_inputs(False, (300, 400), (EOT, "<|pad|>")),
         compare=predicate("bytes, specials, merges in order", layout_ok), run=run_train_layout,
         note="ids 0-255 bytes, then the 2 special tokens in order, then merge k = token 258 + k; vocab_size "
              "tokens; no learned token contains part of a special token"),
    Case(name="bpe/vocab_too_small_raises", inputs=too_small_inputs, compare=raises(ValueError),
         run=run_train, note="vocab_size below 256 + len(special_tokens) raises ValueError"),
    Case(name="bpe/missing_file_raises", inputs=missing_file_inputs, compare=raises(FileNotFoundError),
         run=run_missing, note="a path that does not exist raises FileNotFoundError"),
    Case(name="bpe_speed/130kb_vocab_500", inputs=speed_inputs(150, 500),
         compare=fields(digest=exact()), run=run_speed_digest, expect="reference", seeds=(0,),
         timed=Timed(SPEED_LIMIT[500], calibration_workload),
         note="train_bpe on ~130 KB to vocab 500 (the reference's merges), in a fresh process, within "
              f"{SPEED_LIMIT[500]:g}x the CPU time of a calibration workload, both timed by the grader"),
    Case(name="bpe_speed/100kb_vocab_1000", inputs=speed_inputs(110, 1000),
         compare=fields(layout=predicate("bytes, specials, merges in order", layout_ok)), run=run_speed_layout,
         seeds=(0,), timed=Timed(SPEED_LIMIT[1000], calibration_workload),
         note="train_bpe on ~100 KB to vocab 1000 (checked by its layout), in a fresh process, within "
              f"{SPEED_LIMIT[1000]:g}x the CPU time of a calibration workload, both timed by the grader"),
))
