"""The Lee background corpus (Lee, Pincombe and Welsh 2005): 300 Australian Broadcasting Corporation news
articles, one a line, as gensim ships them in its test data."""

from __future__ import annotations

from a4_data.realtext.sources import gensim_test_data


def load() -> list[str]:
    text = gensim_test_data("lee_background.cor").read_text(encoding="utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]
