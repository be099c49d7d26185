"""Decode with the detected encoding first, as the library examples do: a short UTF-8 page is misread as a
single-byte code page ("cafÃ©")."""

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

UNIT = "a4.extract"
TARGET = "extract_text_from_html_bytes"


def MUTANT(html_bytes: bytes) -> str | None:
    if not html_bytes:
        return None
    text = extract_plain_text(bytes_to_str(html_bytes, detect_encoding(html_bytes)))
    return text if text.strip() else None
