"""The NSFW, toxic-speech and quality classifiers on real text they never trained on (realtext/corpora.py's
evaluation sets, labelled by their sources): precision, recall and F1 per class. Anchor: the same fastText
settings trained on the project's templated text alone (the classifiers before they learnt from real text).
Each F1 row's goal is 0.85 (ratio against a fixed 0.85 anchor); the note gives n and a 95% bootstrap interval.
No example text is printed (the evaluation sets hold offensive jokes and slurs)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from shared.bench import Row

GOAL_F1 = 0.85


def templated_lines(name: str) -> list[str]:
    """The anchor's training data: the spec's templated generators only, as many lines as the real model's
    templated share."""
    from a4_data import classifiers

    spec = classifiers.SPECS[name]
    rng = np.random.default_rng(classifiers.SEEDS[name])
    lines = []
    for _ in range(spec.n_generated):
        lines.append(f"__label__{spec.labels[0]} {' '.join(spec.positive(rng).split())}")
        lines.append(f"__label__{spec.labels[1]} {' '.join(spec.negative(rng).split())}")
    return [lines[int(i)] for i in rng.permutation(len(lines))]


def run(quick: bool) -> list[Row]:
    from a4_data import classifiers
    from a4_data.realtext.evaluate import evaluate

    rows = []
    with tempfile.TemporaryDirectory(prefix="a4-bench-") as tmp:
        for name in classifiers.SPECS:
            anchor_model = classifiers.fit(templated_lines(name), classifiers.params(name), Path(tmp) / f"{name}.txt")

            def anchor_predict(text: str, m: object = anchor_model) -> str:
                return m.predict(" ".join(text.split()), k=1)[0][0].removeprefix("__label__")  # type: ignore

            ours, theirs = evaluate(name), evaluate(name, anchor_predict)
            for o, a in zip(ours, theirs, strict=True):
                what = f"{name} model, class {o.label!r} (n={o.n})"
                rows += [
                    Row(f"{what}: F1", o.f1, "", f"goal F1 {GOAL_F1}", GOAL_F1, True, goal=1.0,
                        note=f"95% interval {o.f1_low:.3f}-{o.f1_high:.3f}; templated-only model: {a.f1:.3f}"),
                    Row(f"{what}: precision", o.precision, "", "templated-only model", a.precision, True),
                    Row(f"{what}: recall", o.recall, "", "templated-only model", a.recall, True),
                ]
    return rows
