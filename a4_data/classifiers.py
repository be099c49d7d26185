"""The fastText classifiers of §5 and §6, trained by the project on real human-written text that registry
packages ship (a4_data/realtext/: fortune-mod's offensive and benign files, Wikipedia, Usenet, a profanity word
list), plus a small share of the project's templated text (textgen/english.py) so its generated pages keep
their labels.

Finished infrastructure: students call `model("nsfw")`, `model("toxic")` or `model("quality")` and interpret its
predictions. Each model trains in a few seconds, single-threaded with a fixed seed, so it is the same model on
every machine; it is cached under data/a4/models/ by a fingerprint of its sources and settings (in a read-only
sandbox it is simply trained once per process).
`python -m a4_data.classifiers --out data/a4/models` writes the three models and their training files for
inspection (the NSFW and toxic files hold offensive jokes and slurs, unmasked: content warning).
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

from a4_data.realtext import corpora, sources, wordlist
from a4_data.textgen import english


@dataclass(frozen=True)
class Spec:
    labels: tuple[str, str]  # (positive, negative) label names
    positive: Callable[[np.random.Generator], str]  # the templated share (see n_generated)
    negative: Callable[[np.random.Generator], str]
    n_generated: int  # templated examples per label beside the real ones: a fraction of the real data
    with_wordlist: bool  # the profanity word list's words as one-word positives
    epochs: int = 25
    word_ngrams: int = 2
    # character n-grams (fastText's minn, maxn): an inflected swear word shares features with the listed stem;
    # they cost the quality model a little on held-out news, so it keeps whole words only
    subwords: tuple[int, int] = (0, 0)
    lr: float = 0.2
    repeat_positive: int = 1  # each real positive appears this often: the offensive files are few beside the negatives


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


# The harmful models' settings (n-grams, learning rate, repeats, and corpora.HARMFUL's n_benign) were chosen on a
# validation split carved from their training data (a fifth of the training positives against 550 training
# negatives), never on the evaluation set: README.md in realtext/ lists the grid.
SPECS: dict[str, Spec] = {
    "nsfw": Spec(("nsfw", "non-nsfw"), english.nsfw_sentence, _web_negative, 400, True, word_ngrams=2,
                 subwords=(3, 5), lr=0.5, repeat_positive=3),
    "toxic": Spec(("toxic", "non-toxic"), english.toxic_sentence, _web_negative, 400, True, word_ngrams=1,
                  subwords=(3, 5), lr=0.5, repeat_positive=4),
    "quality": Spec(("wiki", "cc"), _wiki, _cc, 400, False),
}
SEEDS = {"nsfw": 11, "toxic": 12, "quality": 13}
FASTTEXT_PARAMS = {"dim": 32, "minCount": 1, "thread": 1, "bucket": 50_000}


def _line(label: str, text: str) -> str:
    return f"__label__{label} {' '.join(text.split())}"


def training_lines(name: str) -> list[str]:
    """fastText's training format: `__label__<label> <text on one line>`, deterministic, shuffled: the real
    training set of realtext/corpora.py, the word list where the spec takes it, and the templated share."""
    spec = SPECS[name]
    real = corpora.training_set(name)
    lines = [_line(spec.labels[0], t) for t in real.positive] * spec.repeat_positive
    lines += [_line(spec.labels[1], t) for t in real.negative]
    if spec.with_wordlist:
        lines += [_line(spec.labels[0], w) for w in wordlist.load()]
    rng = np.random.default_rng(SEEDS[name])
    for _ in range(spec.n_generated):
        lines.append(_line(spec.labels[0], spec.positive(rng)))
        lines.append(_line(spec.labels[1], spec.negative(rng)))
    return [lines[int(i)] for i in rng.permutation(len(lines))]


# Trains in a fresh interpreter: fastText's trainer sometimes diverged to NaN inside a long-lived process that had
# already run other numeric work (a full test session), and never in a fresh one, whatever the learning rate.
_TRAIN_IN_CHILD = """
import json, sys
import fasttext
fasttext.FastText.eprint = lambda *args, **kwargs: None
fasttext.train_supervised(sys.argv[1], **json.loads(sys.argv[2])).save_model(sys.argv[3])
"""


def params(name: str) -> dict:
    """fastText's training settings for classifier `name`."""
    spec = SPECS[name]
    # subtle: thread=1 and a fixed seed make training deterministic; more threads race on the shared weights
    return {"epoch": spec.epochs, "wordNgrams": spec.word_ngrams, "seed": SEEDS[name], "verbose": 0,
            "minn": spec.subwords[0], "maxn": spec.subwords[1], "lr": spec.lr, **FASTTEXT_PARAMS}


def fit(lines: list[str], settings: dict, path: Path) -> Any:
    """Train a fastText model on `lines` (written to `path`) with `settings`, in a fresh interpreter."""
    import fasttext

    fasttext.FastText.eprint = lambda *args, **kwargs: None
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = path.with_suffix(".bin")
    done = subprocess.run([sys.executable, "-I", "-c", _TRAIN_IN_CHILD, str(path), json.dumps(settings), str(out)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"training the classifier in {path.name} failed: {done.stderr.strip()[-500:]}")
    return fasttext.load_model(str(out))


def train(name: str, path: Path) -> Any:
    """Train classifier `name` on its training lines (written to `path`) and return the fastText model."""
    return fit(training_lines(name), params(name), path)


def cache_dir() -> Path:
    env = os.environ.get("LMFS_DATA_DIR")
    return (Path(env) if env else Path(__file__).resolve().parent.parent / "data") / "a4" / "models"


@functools.cache
def _sources_digest() -> str:
    """The bytes of every data file and of the code that turns them into training lines: cheap to hash (about
    7 MB), where rebuilding the lines takes seconds (the Wikipedia dump is parsed)."""
    h = hashlib.sha256()
    for package, relative in sources.DATA_FILES:
        h.update(sources.data_file(package, relative).read_bytes())
    here = Path(__file__).resolve().parent
    for code in (here / "classifiers.py", *sorted((here / "realtext").glob("*.py")), here / "textgen" / "english.py"):
        h.update(code.read_bytes())
    return h.hexdigest()


def fingerprint(name: str) -> str:
    """A digest of the training sources and settings: a cached model file is reused only when it matches."""
    spec = SPECS[name]
    h = hashlib.sha256(_sources_digest().encode())
    # the generator functions are named, not repr'd: a function's repr holds its address, new in every process
    h.update(f"{name}/{spec.labels}/{spec.positive.__qualname__}/{spec.negative.__qualname__}/{spec.n_generated}/"
             f"{spec.with_wordlist}/{spec.repeat_positive}/{params(name)}".encode())
    return h.hexdigest()[:16]


@functools.cache
def model(name: str) -> Any:
    """The trained classifier `name` ("nsfw", "toxic", "quality"). Loaded from the cache folder when a file
    with the matching fingerprint is there, else trained (a few seconds) and saved there if it is writable
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
