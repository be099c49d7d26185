"""HTML bytes -> plain text (HANDOUT.md §2.1)."""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding


def extract_text_from_html_bytes(html_bytes: bytes) -> str | None:
    """The visible text of an HTML page given as raw bytes, or None when there is none.

    Decoding (pinned): try UTF-8 first; only if the bytes are not valid UTF-8, decode with the encoding
    resiliparse's `detect_encoding` reports (undecodable bytes replaced). Then `extract_plain_text` of
    resiliparse with its defaults. Returns None for empty input and for pages whose text is empty or only
    whitespace. Raises TypeError for anything but bytes.
    """
    # BEGIN SOLUTION
    if not isinstance(html_bytes, (bytes, bytearray)):
        raise TypeError(f"extract_text_from_html_bytes takes bytes, got {type(html_bytes).__name__}; "
                        f"pass the raw HTTP payload (e.g. record.content_stream().read())")
    if not html_bytes:
        return None
    try:
        html = bytes(html_bytes).decode("utf-8")
    except UnicodeDecodeError:
        # subtle: detection alone misreads short UTF-8 pages (as cp1252 or latin-1), so it is only the fallback
        html = bytes_to_str(bytes(html_bytes), detect_encoding(bytes(html_bytes)))
    text = extract_plain_text(html)
    return text if text.strip() else None
    # END SOLUTION
