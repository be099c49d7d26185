"""Cases for a4.exact_dedup: files of lines drawn from a small pool, so lines repeat within and across files;
the oracle (in a4_data/oracles/dedup_exact.py) counts lines with a plain Counter of strings (no hashing) and keeps
those seen once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from a4_data.textgen import english, languages
from shared.cases import Case, Impl, Oracles, Suite, exact

ORACLES = Oracles("a4_data.oracles.dedup_exact")  # expected values: instructor-only, never released


def files_inputs(rng: np.random.Generator) -> dict:
    pool = english.boilerplate(rng, 8) + [languages.paragraph(rng, str(rng.choice(languages.LANGUAGES)), 1)
                                          for _ in range(10)]
    pool += [english.encyclopedic_paragraph(rng, 1) for _ in range(30)]  # mostly unique lines
    docs = [[pool[int(j)] for j in rng.integers(0, len(pool), size=int(rng.integers(3, 15)))]
            for _ in range(int(rng.integers(2, 5)))]
    # some files end without a newline: that last line still equals the same line elsewhere. The first file always
    # does, and its last line always recurs in the second, so every draw tells a newline-sensitive comparison apart
    docs[1].insert(int(rng.integers(len(docs[1]) + 1)), docs[0][-1])
    files = {}
    for i, lines in enumerate(docs):
        end = "" if i == 0 else ("\n" if rng.random() < 0.5 else "")
        files[f"doc{i:02d}_{int(rng.integers(1000))}.txt"] = "\n".join(lines) + end
    return {"files": files}


def run_dedup(impl: Impl, inp: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="a4-dedup-") as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        paths = []
        for name, text in inp["files"].items():
            (src / name).write_bytes(text.encode("utf-8"))
            paths.append(str(src / name))
        out = Path(tmp) / "out"
        impl.exact_line_deduplication(paths, str(out))
        return {p.name: p.read_bytes().decode("utf-8") for p in sorted(out.iterdir())}


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"files": {"a.txt": "home\nhello world\nhome\nunique a\n", "b.txt": "hello world\nunique b\nlast"}}


SUITE = Suite(cases=(
    Case(name="exact_dedup/worked_example", inputs=worked_inputs, compare=exact(), run=run_dedup,
         expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0, note="a.txt and b.txt of HANDOUT.md §7.1"),
    Case(name="exact_dedup/random_files", inputs=files_inputs, compare=exact(), run=run_dedup,
         expect=ORACLES.expect_dedup, seeds=(0, 1, 2), hidden_draws=2,
         note="lines repeated within and across files, some files without a final newline"),
))
