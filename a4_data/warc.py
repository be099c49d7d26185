"""Reading documents out of WARC and WET files (HANDOUT.md §2.2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

# BEGIN SOLUTION ONLY
WARC_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation")
# END SOLUTION ONLY


@dataclass(frozen=True)
class WarcDocument:
    url: str  # WARC-Target-URI
    content: bytes  # the HTTP payload (response) or the extracted text (conversion), without headers
    record_type: str  # "response" or "conversion"


def iter_warc_documents(path: str | Path, counts: Counter | None = None) -> Iterator[WarcDocument]:
    """Yield the `response` and `conversion` records of a WARC/WET file (gzip or plain) in file order.

    Other record types (warcinfo, request, metadata, ...) are read, skipped and counted as `skipped_<type>`. A damaged
    file never raises; each damage found is counted as `corrupt_record`:
    - a record whose block digest (WARC-Block-Digest) does not match is skipped, and reading goes on;
    - a record cut short (fewer bytes than its Content-Length) ends the file;
    - a record that cannot be parsed, or whose WARC-Type is none of WARC 1.1's eight, ends the file;
    - bytes left unread after the last record (a gzip member cut short, which warcio drops silently).
    Documents yielded before the damage are never lost. `counts` (optional) receives these counts and
    `documents`, the number of documents yielded.
    """
    # BEGIN SOLUTION
    counts = counts if counts is not None else Counter()
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as f:
        it = ArchiveIterator(f, check_digests="raise")
        try:
            for rec in it:
                kind = rec.rec_type
                if kind not in WARC_TYPES:
                    # subtle: warcio parses the start of a gzip member cut short as a record of a cut-off type
                    counts["corrupt_record"] += 1
                    return
                wanted = kind in ("response", "conversion")
                try:
                    # skipped records are read too: a cut can fall inside them
                    content = rec.content_stream().read() if wanted else rec.raw_stream.read()
                except Exception:  # noqa: BLE001 - a corrupt record is counted, never fatal
                    counts["corrupt_record"] += 1
                    continue
                if rec.raw_stream.limit > 0:
                    # subtle: a block cut short just ends early, without any error
                    counts["corrupt_record"] += 1
                    return
                if not wanted:
                    counts[f"skipped_{kind}"] += 1
                    continue
                counts["documents"] += 1
                yield WarcDocument(rec.rec_headers.get_header("WARC-Target-URI") or "", content, kind)
        except Exception:  # noqa: BLE001 - a truncated stream ends the file, counted
            counts["corrupt_record"] += 1
            return
        # subtle: warcio silently drops a gzip member cut short; unread bytes after the last record reveal it
        if it.offset < size:
            counts["corrupt_record"] += 1
    # END SOLUTION
