"""200 Usenet posts of 1993 from the 20 Newsgroups collection (alt.atheism and sci.space), as gensim ships them:
a zlib-compressed protocol-0 pickle of a scikit-learn `Bunch` (gensim/test/test_data/mini_newsgroup)."""

from __future__ import annotations

import copyreg
import io
import pickle
import zlib

from a4_data.realtext.sources import gensim_test_data


class _Bunch(dict):
    def __setstate__(self, state: dict) -> None:
        self.update(state)


class _Ignored:
    """Stands in for the pickle's numpy label array (not needed: the Newsgroups header says the group)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass


class _Unpickler(pickle.Unpickler):
    """Builds only dicts, lists and strings: the pickle names scikit-learn's Bunch (not installed here), and a
    pickle may name any callable, so every other global is refused."""

    _ALLOWED = {("sklearn.datasets.base", "Bunch"): _Bunch, ("copy_reg", "_reconstructor"): copyreg._reconstructor,
                ("__builtin__", "dict"): dict, ("__builtin__", "object"): object}

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        if module.startswith("numpy"):
            return _Ignored
        raise pickle.UnpicklingError(f"refusing {module}.{name} in the newsgroup pickle")


def load_raw() -> list[str]:
    """The 200 posts as stored: headers, a blank line, the body."""
    raw = zlib.decompress(gensim_test_data("mini_newsgroup").read_bytes())
    bunch = _Unpickler(io.BytesIO(raw), encoding="latin1").load()
    return [str(t) for t in bunch["data"]]


def group(post: str) -> str:
    """The first newsgroup the post was sent to (its `Newsgroups:` header)."""
    for line in post.split("\n\n", 1)[0].splitlines():
        if line.startswith("Newsgroups:"):
            return line.split(":", 1)[1].split(",")[0].strip()
    return ""


def body(post: str) -> str:
    """The text a reader sees: the post without its mail headers (quotes and signatures stay, as on a forum)."""
    parts = post.split("\n\n", 1)
    return parts[1].strip() if len(parts) == 2 else post.strip()


def load() -> list[tuple[str, str]]:
    """(newsgroup, body) of every post with a non-empty body."""
    return [(group(p), body(p)) for p in load_raw() if body(p)]
