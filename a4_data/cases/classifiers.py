"""Cases for a4.harmful and a4.quality: held-out texts drawn from the same generators as the training data but
at other seeds, so their true labels are known; at least 90% must be labelled right (the models reach 100% on
these draws), and the reference's probabilities are checked beside them, to 1e-3: the model is trained on the
student's machine, and another CPU's float rounding may move the last digits of a trained weight."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from a4_data.textgen import english
from shared.cases import Case, Impl, Suite, close, predicate

LABELS = {"classify_nsfw": ("nsfw", "non-nsfw"), "classify_toxic_speech": ("toxic", "non-toxic"),
          "classify_quality": ("wiki", "cc")}


def _neutral(rng: np.random.Generator) -> str:
    return english.neutral_sentence(rng) if rng.random() < 0.5 else english.encyclopedic_paragraph(rng, 2)


def _cc(rng: np.random.Generator) -> str:
    return english.spam_text(rng, int(rng.integers(2, 8)))


GENERATORS: dict[str, tuple[Callable, Callable]] = {
    "classify_nsfw": (english.nsfw_sentence, _neutral),
    "classify_toxic_speech": (english.toxic_sentence, _neutral),
    "classify_quality": (lambda rng: english.encyclopedic_paragraph(rng, int(rng.integers(2, 8))), _cc),
}


def heldout_inputs(fn: str, multiline: bool = False) -> Callable[[np.random.Generator], dict]:
    def inputs(rng: np.random.Generator) -> dict:
        pos, neg = GENERATORS[fn]
        texts, labels = [], []
        for _ in range(10):
            texts += [pos(rng), neg(rng)]
            labels += list(LABELS[fn])
        if multiline:
            # a first line that says nothing of the label, so a model fed only the first line (fastText's
            # predict stops at a newline) is wrong on about half of them in every draw
            texts = [f"{rng.choice(['Home', 'Page', 'Share', 'Menu'])}\n" + t.replace(" ", "\n", 2) for t in texts]
        return {"fn": fn, "texts": texts, "labels": labels}
    return inputs


def run_classify(impl: Impl, inp: dict) -> list:
    out = []
    for t in inp["texts"]:
        label, score = getattr(impl, inp["fn"])(t)
        out.append([label, score])
    return out


def run_scores(impl: Impl, inp: dict) -> list[float]:
    return [float(getattr(impl, inp["fn"])(t)[1]) for t in inp["texts"]]


def mostly_right(inp: dict, out: list) -> tuple:
    """Margin: wrong labels over the wrong labels allowed (2 of 20): 1 at the edge. The reference labels every
    draw right with its top probability above 0.9 (800 texts per classifier, seeds 0-19, both kinds), so a
    label is never near a tie."""
    allowed = set(LABELS[inp["fn"]])
    right = 0
    for (label, score), want in zip(out, inp["labels"], strict=True):
        if label not in allowed:
            return False, f"label {label!r} is not one of {sorted(allowed)}"
        if not isinstance(score, float) or not 0.5 <= score <= 1.0:
            return False, f"score {score!r} is not the top label's probability (a float in [0.5, 1])"
        right += label == want
    may_miss = len(out) - math.ceil(0.9 * len(out))
    return (right >= 0.9 * len(out), f"{right} of {len(out)} held-out texts labelled right (at least 90% needed)",
            (len(out) - right) / may_miss if may_miss else None)


RIGHT = predicate("held-out texts labelled right (>= 90%), scores in [0.5, 1]", mostly_right)


def cases_for(unit: str, fn: str, short: str) -> tuple[Case, ...]:
    return (
        Case(name=f"{short}/heldout_labels", inputs=heldout_inputs(fn), compare=RIGHT, run=run_classify,
             hidden_draws=2, note=f"{LABELS[fn][0]} vs {LABELS[fn][1]} texts the model was not trained on"),
        Case(name=f"{short}/multiline_text", inputs=heldout_inputs(fn, multiline=True), compare=RIGHT,
             run=run_classify, seeds=(0,), note="the same with newlines inside the text (collapse whitespace first)"),
        Case(name=f"{short}/scores", inputs=heldout_inputs(fn), compare=close(rtol=1e-3, atol=1e-3),
             run=run_scores, expect="reference",
             # visible feedback only: held-out texts are clear, so every score is near 1 and a visible draw's
             # answer would pass a hidden one (grader/replay.py); the labels cases carry the points
             seeds=(0,), hidden_draws=0, note="the probability of the top label, as the model gives it"),
    )


SUITE = Suite(cases=(*cases_for("a4.harmful", "classify_nsfw", "nsfw"),
                     *cases_for("a4.harmful", "classify_toxic_speech", "toxic"),
                     *cases_for("a4.quality", "classify_quality", "quality")))
