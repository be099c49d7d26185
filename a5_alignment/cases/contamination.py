"""Cases for a5.contamination (HANDOUT §11.5): a hand-worked overlap, and generated corpora with planted overlaps
(copied spans recased and repunctuated, spans one word too short, spans across two training documents, short
examples, whole copies) against a brute-force scan of every n-gram position (a5_alignment/oracles/
contamination.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises

ORACLES = Oracles("a5_alignment.oracles.contamination")  # expected values: instructor-only, never released

# overlaps are ratios of small integers: one division, so 1e-12 is generous
CONTAMINATION = fields(contaminated=exact(), overlap=close(rtol=1e-9, atol=1e-12),
                       contaminated_fraction=close(rtol=1e-9, atol=1e-12))
WORKED = [
    # n = 3. Example 0: words a quick brown fox jumps: (quick brown fox) and (brown fox jumps) are in the
    # document, (a quick brown) is not: overlap 2/3. Example 1: brown fox jumps high: 1/2. Example 2: 2 words < 3:
    # no 3-gram, overlap 0, clean. Fraction 2/3.
    {"train": ["The quick brown fox jumps over the lazy dog."], "eval": ["A QUICK brown-fox jumps!",
                                                                      "brown fox jumps high", "lazy dog"], "n": 3},
    # n = 3: (three four five) spans the two documents, so it occurs in neither: clean. Fraction 0.
    {"train": ["one two three", "four five six"], "eval": ["three four five"], "n": 3},
]


def _word(rng: np.random.Generator) -> str:
    return "".join(str(c) for c in rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(3, 7))))


def _render(rng: np.random.Generator, words: list[str]) -> str:
    """Words as text with random case and punctuation between them (normalisation must undo both)."""
    out = []
    for w in words:
        w = w.upper() if rng.random() < 0.15 else w.capitalize() if rng.random() < 0.2 else w
        out.append(w + str(rng.choice([" ", " ", " ", ", ", ". ", "-", "! ", " (", ") ", "\n", "'"])))
    return "".join(out)


def planted_inputs(rng: np.random.Generator, n: int | None = None, default_n: bool = False) -> dict:
    n = 13 if default_n else n if n is not None else int(rng.choice([4, 6, 8, 13]))
    vocab = [_word(rng) for _ in range(300)]
    docs = [[str(w) for w in rng.choice(vocab, size=int(rng.integers(3 * n, 6 * n)))] for _ in range(5)]
    # filler words that occur in no training document, so only the planted spans can overlap
    fresh = [w for w in (_word(rng) + "q" for _ in range(60)) if all(w not in d for d in docs)]

    def filler(k: int) -> list[str]:
        return [str(w) for w in rng.choice(fresh, size=k)]

    examples = []
    kinds = ["clean", "planted", "short_by_one", "across_docs", "short", "whole", "planted"]
    kinds += [str(k) for k in rng.choice(kinds, size=5)]
    for kind in kinds:
        d = int(rng.integers(len(docs)))
        doc = docs[d]
        if kind == "clean":
            words = filler(int(rng.integers(n, 3 * n)))
        elif kind == "planted":
            length = int(rng.integers(n, min(n + 6, len(doc) + 1)))
            s = int(rng.integers(0, len(doc) - length + 1))
            words = filler(int(rng.integers(0, n))) + doc[s:s + length] + filler(int(rng.integers(0, n)))
        elif kind == "short_by_one":  # n - 1 copied words among fresh ones: no n-gram of the document
            s = int(rng.integers(0, len(doc) - n + 2))
            words = filler(2) + doc[s:s + n - 1] + filler(2)
        elif kind == "across_docs":  # the end of one document and the start of the next: spans a boundary
            nxt = docs[(d + 1) % len(docs)]
            k = int(rng.integers(1, n))
            words = doc[-k:] + nxt[:n - k]
        elif kind == "short":  # fewer than n words, all copied
            s = int(rng.integers(0, len(doc) - n))
            words = doc[s:s + int(rng.integers(1, n))]
        else:  # "whole": an example entirely copied
            s = int(rng.integers(0, len(doc) - n))
            words = doc[s:s + int(rng.integers(n, 2 * n))]
        examples.append(_render(rng, words))
    order = rng.permutation(len(examples))
    return {"train": [_render(rng, d) for d in docs], "eval": [examples[i] for i in order],
            "n": n, "default_n": default_n}


def run_one(impl: Impl, train: list[str], examples: list[str], n: int | None) -> Any:
    out = (impl.ngram_contamination(list(train), list(examples)) if n is None
           else impl.ngram_contamination(list(train), list(examples), n))
    return {"contaminated": [bool(x) for x in out["contaminated"]], "overlap": [float(x) for x in out["overlap"]],
            "contaminated_fraction": float(out["contaminated_fraction"])}


def run_planted(impl: Impl, inp: dict) -> Any:
    return run_one(impl, inp["train"], inp["eval"], None if inp["default_n"] else inp["n"])


def run_bad_n(impl: Impl, inp: dict) -> Any:
    return impl.ngram_contamination(["a b c"], ["a b c"], 0)


SUITE = Suite(cases=(
    Case(name="contamination/worked_example", inputs=lambda rng: {**WORKED[0], "default_n": False},
         compare=CONTAMINATION, run=run_planted, expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0,
         note="3-grams: 'A QUICK brown-fox jumps!' overlaps 2/3 of its 3-grams; 2 words have none"),
    Case(name="contamination/across_documents", inputs=lambda rng: {**WORKED[1], "default_n": False},
         compare=CONTAMINATION, run=run_planted, expect=ORACLES.expect_worked_across, seeds=(0,), hidden_draws=0,
         note="'three four five' spans two training documents: not an n-gram of either, so clean"),
    Case(name="contamination/planted", inputs=planted_inputs, compare=CONTAMINATION, run=run_planted,
         expect=ORACLES.expect_brute_force, seeds=(0, 1, 2), hidden_draws=3,
         note="planted copies (recased, repunctuated), n - 1 words, spans across documents, short examples"),
    Case(name="contamination/default_13", inputs=lambda rng: planted_inputs(rng, default_n=True),
         compare=CONTAMINATION, run=run_planted, expect=ORACLES.expect_brute_force,
         note="called without n: 13-grams"),
    Case(name="contamination/bad_n_raises", inputs=lambda rng: {}, compare=raises(ValueError), run=run_bad_n,
         expect=None, seeds=(0,), hidden_draws=0, note="n = 0: ValueError"),
))
