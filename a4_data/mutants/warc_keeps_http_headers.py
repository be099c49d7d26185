"""Read the record's raw block, HTTP status line and headers included, instead of the payload."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from a4_data.warc import WarcDocument, iter_warc_documents

UNIT = "a4.warc"
TARGET = "iter_warc_documents"


def MUTANT(path: str | Path, counts: Counter | None = None) -> Iterator[WarcDocument]:
    for doc in iter_warc_documents(path, counts):
        if doc.record_type == "response":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            yield WarcDocument(doc.url, head + doc.content, doc.record_type)
        else:
            yield doc
