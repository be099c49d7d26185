"""Fall back to latin-1 instead of the detected encoding: windows-1252 pages lose their curly quotes and euro
signs, and detection is skipped entirely."""

from resiliparse.extract.html2text import extract_plain_text

UNIT = "a4.extract"
TARGET = "extract_text_from_html_bytes"


def MUTANT(html_bytes: bytes) -> str | None:
    if not html_bytes:
        return None
    try:
        html = html_bytes.decode("utf-8")
    except UnicodeDecodeError:
        html = html_bytes.decode("utf-8", errors="ignore")
    text = extract_plain_text(html)
    return text if text.strip() else None
