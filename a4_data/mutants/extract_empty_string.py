"""Return "" rather than None for a page without text (CS336's tests accept a falsy value; §2.1 pins None)."""

from a4_data.extract import extract_text_from_html_bytes

UNIT = "a4.extract"
TARGET = "extract_text_from_html_bytes"


def MUTANT(html_bytes: bytes) -> str | None:
    return extract_text_from_html_bytes(html_bytes) or ""
