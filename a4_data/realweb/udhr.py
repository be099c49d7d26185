"""The Universal Declaration of Human Rights in several hundred languages: the specimen paragraphs of Google
Fonts' language metadata (`gflanguages`, one textproto file per language and script), which quote the
declaration's official translations. Read as text files; the package is never imported."""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from a4_data.realtext.sources import package_dir

# the fields that hold prose, longest first; the shorter ones are usually a prefix of a longer one
_FIELDS = ("specimen_16", "specimen_21", "specimen_32", "specimen_36", "poster_md")
_FIELD = re.compile(r'^\s*(\w+): "((?:[^"\\]|\\.)*)"\s*$', re.M)


@dataclass(frozen=True)
class Translation:
    id: str  # gflanguages' id: ISO 639 code and ISO 15924 script, "de_Latn"
    language: str  # the ISO 639 code ("de")
    name: str  # the English name of the language ("German")
    text: str  # paragraphs of the declaration, blank line between them


def _unescape(value: str) -> str:
    # textproto strings use C escapes (\n, \", \', octal bytes of UTF-8): decode to bytes, then UTF-8
    return codecs.escape_decode(value.encode("utf-8"))[0].decode("utf-8")


def parse(textproto: str, file_id: str) -> Translation | None:
    """One language file: its prose fields, each paragraph once (the specimens repeat each other). None when
    the file has no sample text."""
    fields: dict[str, str] = {}
    for key, value in _FIELD.findall(textproto):
        fields.setdefault(key, _unescape(value))
    paragraphs: list[str] = []
    for key in _FIELDS:
        for para in fields.get(key, "").split("\n"):
            para = " ".join(para.split())
            if para and not any(para in p for p in paragraphs):
                paragraphs.append(para)
    if not paragraphs:
        return None
    return Translation(file_id, fields.get("language", file_id.split("_")[0]), fields.get("name", file_id),
                       "\n\n".join(paragraphs))


@functools.cache
def _load() -> tuple[Translation, ...]:
    folder = package_dir("gflanguages") / "data" / "languages"
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing; reinstall gflanguages==0.7.11")
    out = []
    for path in sorted(folder.glob("*.textproto")):
        t = parse(path.read_text(encoding="utf-8"), path.stem)
        if t is not None:
            out.append(t)
    return tuple(out)


def load(min_words: int = 0) -> list[Translation]:
    """Every translation with at least `min_words` whitespace-separated words, ordered by gflanguages id
    (scripts without spaces between words, such as Chinese or Thai, count few words: pass 0 to keep them)."""
    return [t for t in _load() if len(t.text.split()) >= min_words]
