"""Writing WARC files with warcio: the test and demo inputs of the pipeline, and damaged variants of them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes  # the HTTP payload (HTML bytes) or, for a WET conversion record, UTF-8 text
    content_type: str = "text/html; charset=utf-8"
    record_type: str = "response"  # or "conversion" (WET)


def warc_bytes(pages: Iterable[Page], gzip: bool = True, warcinfo: bool = True, requests: bool = False) -> bytes:
    """One WARC file's bytes: an optional warcinfo record, then per page an optional `request` record and its
    `response` (with HTTP headers) or `conversion` record. Records carry block and payload digests."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    serial = iter(range(1, 1 << 40))

    def headers() -> dict[str, str]:
        # subtle: fixed record ids and dates make the bytes a function of the pages alone (reproducible cases)
        return {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{next(serial):012d}>",
                "WARC-Date": "2024-01-01T00:00:00Z"}

    if warcinfo:
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(b"software: lmfs a4 textgen\r\n"),
            warc_content_type="application/warc-fields", warc_headers_dict=headers()))
    for page in pages:
        if requests and page.record_type == "response":
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.invalid")], is_http_request=True)
            writer.write_record(writer.create_warc_record(page.url, "request", payload=io.BytesIO(b""),
                                                          http_headers=req, warc_headers_dict=headers()))
        if page.record_type == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", page.content_type)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.body), http_headers=http,
                                            warc_headers_dict=headers())
        else:
            rec = writer.create_warc_record(page.url, "conversion", payload=io.BytesIO(page.body),
                                            warc_content_type="text/plain", warc_headers_dict=headers())
        writer.write_record(rec)
    return buf.getvalue()
