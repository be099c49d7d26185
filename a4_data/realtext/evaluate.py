"""Precision, recall and F1 of a classifier on its held-out real-text evaluation set, per class, with a 95%
bootstrap interval for each F1 (the positives number 200 to 400: the interval says how far to trust a score)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassScore:
    label: str
    n: int  # documents of this class in the evaluation set
    precision: float
    recall: float
    f1: float
    f1_low: float  # 95% bootstrap interval of the F1
    f1_high: float


def _prf(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the class coded True (the definitions: tp/(tp+fp), tp/(tp+fn), harmonic
    mean; 0 where a denominator is 0)."""
    tp = float(np.sum(truth & pred))
    fp = float(np.sum(~truth & pred))
    fn = float(np.sum(truth & ~pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(truth: list[str], predicted: list[str], labels: tuple[str, str], resamples: int = 1000,
           seed: int = 0) -> list[ClassScore]:
    """One ClassScore per label. The interval resamples the documents with replacement (a seeded bootstrap,
    percentile method)."""
    if len(truth) != len(predicted) or not truth:
        raise ValueError(f"need as many predictions as labels, and some: got {len(predicted)} and {len(truth)}")
    t, p = np.array(truth), np.array(predicted)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(t), size=(resamples, len(t)))
    out = []
    for label in labels:
        tb, pb = t == label, p == label
        prec, rec, f1 = _prf(tb, pb)
        boot = [_prf(tb[d], pb[d])[2] for d in draws]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        out.append(ClassScore(label, int(tb.sum()), prec, rec, f1, float(lo), float(hi)))
    return out


def evaluate(name: str, predict: Callable[[str], str] | None = None) -> list[ClassScore]:
    """Scores of classifier `name` on `corpora.evaluation_set(name)`; `predict` defaults to the top label of
    `classifiers.model(name)` on the whitespace-collapsed text."""
    from a4_data import classifiers
    from a4_data.realtext import corpora

    labels = classifiers.SPECS[name].labels
    if predict is None:
        m = classifiers.model(name)

        def predict(text: str) -> str:
            return m.predict(" ".join(text.split()), k=1)[0][0].removeprefix("__label__")

    ev = corpora.evaluation_set(name)
    texts = ev.positive + ev.negative
    truth = [labels[0]] * len(ev.positive) + [labels[1]] * len(ev.negative)
    return scores(truth, [predict(x) for x in texts], labels)
