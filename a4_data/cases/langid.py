"""Cases for a4.langid: the labelled multilingual set of textgen/languages.py is the oracle (every sentence was
written in a known language and lid.176 identifies each one); the reference's scores are checked beside it."""

from __future__ import annotations

import numpy as np

from a4_data.textgen import languages
from shared.cases import Case, Impl, Suite, close, predicate


def labelled_inputs(rng: np.random.Generator) -> dict:
    data = languages.labelled_set(rng, per_language=1)
    return {"texts": [t for t, _ in data], "labels": [lang for _, lang in data]}


def multiline_inputs(rng: np.random.Generator) -> dict:
    data = languages.labelled_set(rng, per_language=1, max_sentences=3)
    texts = [t.replace(". ", ".\n") + "\n" for t, _ in data]
    return {"texts": texts, "labels": [lang for _, lang in data]}


def run_identify(impl: Impl, inp: dict) -> list:
    out = []
    for t in inp["texts"]:
        lang, score = impl.identify_language(t)
        out.append([lang, score])
    return out


def run_scores(impl: Impl, inp: dict) -> list[float]:
    return [float(impl.identify_language(t)[1]) for t in inp["texts"]]


def labels_right(inp: dict, out: list) -> tuple[bool, str]:
    for (lang, score), want, text in zip(out, inp["labels"], inp["texts"], strict=True):
        if lang != want:
            return False, f"{text[:60]!r}: got {lang!r}, expected {want!r}"
        if not isinstance(score, float) or not 0.0 < score <= 1.0:
            return False, f"{text[:60]!r}: score {score!r} is not a float in (0, 1]"
    return True, ""


LABELS = predicate("the written language of every text, with a score in (0, 1]", labels_right)

SUITE = Suite(cases=(
    Case(name="langid/labelled_texts", inputs=labelled_inputs, compare=LABELS, run=run_identify,
         hidden_draws=2, note=f"one to three sentences in each of {len(languages.LANGUAGES)} languages"),
    Case(name="langid/multiline_texts", inputs=multiline_inputs, compare=LABELS, run=run_identify,
         seeds=(0,), note="texts with newlines (fastText's predict refuses them: replace them first)"),
    Case(name="langid/scores", inputs=labelled_inputs, compare=close(rtol=1e-4, atol=1e-5), run=run_scores,
         expect="reference", seeds=(0,), note="the probability of the top label, as lid.176 gives it"),
))
