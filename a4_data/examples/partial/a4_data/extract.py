"""HTML bytes -> plain text (HANDOUT.md §2.1). A student's version: correct."""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding


def extract_text_from_html_bytes(html_bytes: bytes) -> str | None:
    if not isinstance(html_bytes, bytes):
        raise TypeError("expected bytes")
    if len(html_bytes) == 0:
        return None
    try:
        html = html_bytes.decode("utf-8")
    except UnicodeDecodeError:
        html = bytes_to_str(html_bytes, detect_encoding(html_bytes))
    text = extract_plain_text(html)
    if text.strip() == "":
        return None
    return text
