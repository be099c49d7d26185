"""Language identification: accuracy and time per document of ours (fastText lid.176 through
identify_language) beside `langid` 1.1.6 (Lui & Baldwin's langid.py, its bundled 97-language model), on the
project's labelled multilingual set (12 languages, one to three sentences per document)."""

from __future__ import annotations

import time

import numpy as np

from a4_data.textgen import languages
from shared.bench import Row


def run(quick: bool) -> list[Row]:
    import langid

    from a4_data.language import identify_language

    data = languages.labelled_set(np.random.default_rng(7), per_language=8 if quick else 60)
    identify_language("warm up")
    langid.classify("warm up")
    t0 = time.perf_counter()
    ours = [identify_language(t)[0] for t, _ in data]
    t_ours = (time.perf_counter() - t0) / len(data)
    t0 = time.perf_counter()
    theirs = [langid.classify(t)[0] for t, _ in data]
    t_langid = (time.perf_counter() - t0) / len(data)
    truth = [lang for _, lang in data]
    acc_ours = float(np.mean([a == b for a, b in zip(ours, truth, strict=True)]))
    acc_langid = float(np.mean([a == b for a, b in zip(theirs, truth, strict=True)]))
    n = f"{len(data)} docs, {len(languages.LANGUAGES)} languages"
    return [
        Row(f"language ID accuracy ({n})", acc_ours, "", "langid.py 1.1.6", acc_langid, True, goal=1.0),
        Row("language ID time per document", t_ours * 1e6, "us", "langid.py 1.1.6", t_langid * 1e6, False),
    ]
