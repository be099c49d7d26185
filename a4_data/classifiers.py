"""The fastText classifiers of §5 and §6, trained by the project on text it generates (textgen/english.py).

Finished infrastructure: students call `model("nsfw")`, `model("toxic")` or `model("quality")` and interpret its
predictions. Each model trains in about a second, single-threaded with a fixed seed, so it is the same model on
every machine; it is cached under data/a4/models/ by a fingerprint of its training data (in a read-only sandbox
it is simply trained once per process).
`python -m a4_data.classifiers --out data/a4/models` writes the three models and their training files for
inspection.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from a4_data.textgen import english


@dataclass(frozen=True)
class Spec:
    labels: tuple[str, str]  # (positive, negative) label names
    positive: Callable[[np.random.Generator], str]
    negative: Callable[[np.random.Generator], str]
    n_per_label: int
    epochs: int = 25
    word_ngrams: int = 2


def _web_negative(rng: np.random.Generator) -> str:
    """Ordinary web text the harmful-content classifiers must leave alone: neutral sentences and prose."""
    if rng.random() < 0.5:
        return english.neutral_sentence(rng)
    return english.encyclopedic_paragraph(rng, int(rng.integers(1, 4)))


def _wiki(rng: np.random.Generator) -> str:
    return english.encyclopedic_paragraph(rng, int(rng.integers(2, 8)))


def _cc(rng: np.random.Generator) -> str:
    # web text: spam and boilerplate, sometimes around a little prose
    text = english.spam_text(rng, int(rng.integers(2, 8)))
    if rng.random() < 0.3:
        text += "\n" + english.encyclopedic_paragraph(rng, 1)
    return text


SPECS: dict[str, Spec] = {
    "nsfw": Spec(("nsfw", "non-nsfw"), english.nsfw_sentence, _web_negative, 400),
    "toxic": Spec(("toxic", "non-toxic"), english.toxic_sentence, _web_negative, 400),
    "quality": Spec(("wiki", "cc"), _wiki, _cc, 400),
}
SEEDS = {"nsfw": 11, "toxic": 12, "quality": 13}
FASTTEXT_PARAMS = {"lr": 0.2, "dim": 32, "minCount": 1, "thread": 1, "bucket": 50_000}


def training_lines(name: str) -> list[str]:
    """fastText's training format: `__label__<label> <text on one line>`, deterministic, shuffled."""
    spec = SPECS[name]
    rng = np.random.default_rng(SEEDS[name])
    lines = []
    for _ in range(spec.n_per_label):
        lines.append(f"__label__{spec.labels[0]} {' '.join(spec.positive(rng).split())}")
        lines.append(f"__label__{spec.labels[1]} {' '.join(spec.negative(rng).split())}")
    return [lines[int(i)] for i in rng.permutation(len(lines))]


# Trains in a fresh interpreter: fastText's trainer sometimes diverged to NaN inside a long-lived process that had
# already run other numeric work (a full test session), and never in a fresh one, whatever the learning rate.
_TRAIN_IN_CHILD = """
import json, sys
import fasttext
fasttext.FastText.eprint = lambda *args, **kwargs: None
fasttext.train_supervised(sys.argv[1], **json.loads(sys.argv[2])).save_model(sys.argv[3])
"""


def train(name: str, path: Path) -> Any:
    """Train classifier `name` on its generated data (written to `path`) and return the fastText model."""
    import fasttext

    fasttext.FastText.eprint = lambda *args, **kwargs: None
    spec = SPECS[name]
    path.write_text("\n".join(training_lines(name)) + "\n", encoding="utf-8")
    # subtle: thread=1 and a fixed seed make training deterministic; more threads race on the shared weights
    params = {"epoch": spec.epochs, "wordNgrams": spec.word_ngrams, "seed": SEEDS[name], "verbose": 0,
              **FASTTEXT_PARAMS}
    out = path.with_suffix(".bin")
    done = subprocess.run([sys.executable, "-I", "-c", _TRAIN_IN_CHILD, str(path), json.dumps(params), str(out)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"training the '{name}' classifier failed: {done.stderr.strip()[-500:]}")
    return fasttext.load_model(str(out))


def cache_dir() -> Path:
    env = os.environ.get("LMFS_DATA_DIR")
    return (Path(env) if env else Path(__file__).resolve().parent.parent / "data") / "a4" / "models"


def fingerprint(name: str) -> str:
    """A digest of the training data and settings: a cached model file is reused only when it matches."""
    spec = SPECS[name]
    h = hashlib.sha256("\n".join(training_lines(name)).encode())
    h.update(f"{spec.epochs}/{spec.word_ngrams}/{SEEDS[name]}/{FASTTEXT_PARAMS}".encode())
    return h.hexdigest()[:16]


@functools.cache
def model(name: str) -> Any:
    """The trained classifier `name` ("nsfw", "toxic", "quality"). Loaded from the cache folder when a file
    with the matching fingerprint is there, else trained (about a second) and saved there if it is writable
    (a read-only sandbox just trains)."""
    import fasttext

    if name not in SPECS:
        raise ValueError(f"no classifier '{name}'; known: {', '.join(SPECS)}")
    fasttext.FastText.eprint = lambda *args, **kwargs: None
    cached = cache_dir() / f"{name}-{fingerprint(name)}.bin"
    if cached.exists():
        try:
            return fasttext.load_model(str(cached))
        except ValueError:
            pass  # a damaged cache file: train again
    with tempfile.TemporaryDirectory(prefix="lmfs-a4-") as tmp:
        m = train(name, Path(tmp) / f"{name}.train.txt")
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            m.save_model(str(Path(tmp) / "model.bin"))
            os.replace(Path(tmp) / "model.bin", cached)  # atomic: a concurrent reader never sees half a file
        except OSError:
            pass
        return m


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m a4_data.classifiers", description=__doc__)
    p.add_argument("--out", type=Path, default=cache_dir(), help="folder for <name>.bin and <name>.train.txt")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in SPECS:
        m = train(name, args.out / f"{name}.train.txt")
        m.save_model(str(args.out / f"{name}.bin"))
        print(f"{name}: {len(training_lines(name))} examples -> {args.out / f'{name}.bin'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
