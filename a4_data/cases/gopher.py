"""Cases for a4.gopher: texts built to sit exactly on, or one step past, each bound of §6.1, so the expected
verdict is known by construction (a worked example per rule; the oracle is in a4_data/oracles/gopher.py), plus the
reference on generated web pages."""

from __future__ import annotations

import numpy as np

from a4_data.textgen import english
from shared.cases import Case, Impl, Oracles, Suite, exact, hide

ORACLES = Oracles("a4_data.oracles.gopher")  # expected values: instructor-only, never released

LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def word(rng: np.random.Generator, n: int) -> str:
    return "".join(rng.choice(LETTERS, size=n))


def words_of_mean(rng: np.random.Generator, count: int, total_chars: int) -> list[str]:
    """`count` alphabetic words whose lengths sum to `total_chars` (each between 1 and 20)."""
    lengths = np.full(count, total_chars // count)
    lengths[: total_chars % count] += 1
    return [word(rng, int(n)) for n in rng.permutation(lengths)]


def lines_of(rng: np.random.Generator, words: list[str], n_lines: int) -> list[str]:
    cuts = np.linspace(0, len(words), n_lines + 1).astype(int)
    return [" ".join(words[cuts[i]:cuts[i + 1]]) for i in range(n_lines)]


def rule_inputs(rng: np.random.Generator) -> dict:
    """[(text, expected verdict)] for each rule at its bound and one step past it, two or three fresh sets of
    them in a random order: the verdict list is the answer, so it must differ from draw to draw (a fixed order
    would let a visible draw's answer pass a hidden one: grader/replay.py)."""
    pairs = [p for _ in range(int(rng.integers(2, 4))) for p in zip(*_rule_set(rng).values(), strict=True)]
    order = rng.permutation(len(pairs))
    return {"texts": [pairs[i][0] for i in order], "verdicts": [pairs[i][1] for i in order]}


def _rule_set(rng: np.random.Generator) -> dict:
    texts: list[str] = []
    verdicts: list[bool] = []

    def add(text: str, ok: bool) -> None:
        texts.append(text)
        verdicts.append(ok)

    # word count: 50 words pass, 49 fail (mean length 5)
    add(" ".join(words_of_mean(rng, 50, 250)), True)
    add(" ".join(words_of_mean(rng, 49, 245)), False)
    # mean word length: exactly 3 and exactly 10 pass; just below 3 and just above 10 fail
    n = int(rng.integers(60, 120))
    add(" ".join(words_of_mean(rng, n, 3 * n)), True)
    add(" ".join(words_of_mean(rng, n, 3 * n - 1)), False)
    add(" ".join(words_of_mean(rng, n, 10 * n)), True)
    add(" ".join(words_of_mean(rng, n, 10 * n + 1)), False)
    # ellipsis lines: 3 of 10 lines pass, 4 of 10 fail; "…" counts too, trailing spaces do not hide it
    for bad, ok in ((3, True), (4, False)):
        lines = lines_of(rng, words_of_mean(rng, 100, 500), 10)
        for i in rng.permutation(10)[:bad]:
            lines[int(i)] += rng.choice(["...", "…", "... "])
        add("\n".join(lines), ok)
    # alphabetic words: 80 of 100 pass, 79 of 100 fail (the others are numbers like "123" or "4.50")
    for alpha, ok in ((80, True), (79, False)):
        ws = words_of_mean(rng, alpha, alpha * 5) + [str(int(rng.integers(100, 999))) for _ in range(100 - alpha)]
        add(" ".join(ws[int(i)] for i in rng.permutation(100)), ok)
    # a word with one letter among digits is alphabetic: 100 words like "7a9" pass
    add(" ".join(f"{int(rng.integers(10))}{word(rng, 1)}{int(rng.integers(10))}" for _ in range(100)), True)
    return {"texts": texts, "verdicts": verdicts}


def run_filter(impl: Impl, inp: dict) -> list:
    return [bool(impl.gopher_quality_filter(t)) for t in inp["texts"]]


def pages_inputs(rng: np.random.Generator) -> dict:
    """Two or three each of an article, spam, a short paragraph and an empty text, in a random order: the verdicts
    are the answer, so their order must change from draw to draw (grader/replay.py)."""
    texts = [t for _ in range(int(rng.integers(2, 4))) for t in (
        english.article(rng, int(rng.integers(1, 4))), english.spam_text(rng, int(rng.integers(2, 12))),
        english.encyclopedic_paragraph(rng, 1), "")]
    return {"texts": [texts[int(i)] for i in rng.permutation(len(texts))]}


SUITE = Suite(cases=(
    Case(name="gopher/rule_bounds", inputs=rule_inputs, compare=exact(), run=run_filter, public=hide("verdicts"),
         expect=ORACLES.expect_verdicts, seeds=(0, 1, 2), hidden_draws=2,
         note="each rule at its inclusive bound (passes) and one step past it (fails)"),
    Case(name="gopher/web_pages", inputs=pages_inputs, compare=exact(), run=run_filter, expect="reference",
         note="an article, spam, a short paragraph and an empty text"),
))
