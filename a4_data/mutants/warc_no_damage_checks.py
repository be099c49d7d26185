"""Iterate warcio's records and trust them: no digest check, no truncation check, exceptions propagate. A cut
or altered record is yielded as if it were whole."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from a4_data.warc import WarcDocument

UNIT = "a4.warc"
TARGET = "iter_warc_documents"


def MUTANT(path: str | Path, counts: Counter | None = None) -> Iterator[WarcDocument]:
    counts = counts if counts is not None else Counter()
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type not in ("response", "conversion"):
                counts[f"skipped_{rec.rec_type}"] += 1
                continue
            counts["documents"] += 1
            yield WarcDocument(rec.rec_headers.get_header("WARC-Target-URI"), rec.content_stream().read(),
                               rec.rec_type)
