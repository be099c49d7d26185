"""Keep only `response` records: a WET file's `conversion` records are lost."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from a4_data.warc import WarcDocument, iter_warc_documents

UNIT = "a4.warc"
TARGET = "iter_warc_documents"


def MUTANT(path: str | Path, counts: Counter | None = None) -> Iterator[WarcDocument]:
    for doc in iter_warc_documents(path, counts):
        if doc.record_type == "response":
            yield doc
