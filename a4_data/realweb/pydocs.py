"""The Python language reference as the standard library ships it for `help()` (`pydoc_data.topics`): about 80
topics of plain text, from a few lines to many pages, written by Python's documentation authors."""

from __future__ import annotations

import re


def load() -> list[tuple[str, str]]:
    """(topic, paragraphs) for every topic, in sorted order; the text's own blank lines separate paragraphs,
    a code block's indentation is kept."""
    try:
        from pydoc_data.topics import topics
    except ImportError as e:  # some distributions split the documentation off the standard library
        raise FileNotFoundError("this Python has no pydoc_data (the documentation `help()` reads); install "
                                "the distribution's full standard library (Debian: libpython3-stdlib)") from e
    out = []
    for name in sorted(topics):
        text = re.sub(r"\n{3,}", "\n\n", topics[name].strip())
        if text:
            out.append((name, text))
    return out
