"""PII masking (HANDOUT.md §4). A student's version: emails and IPs right, phones without the parenthesised
area code and the country code."""

from __future__ import annotations

import re

EMAIL_MASK = "|||EMAIL_ADDRESS|||"
PHONE_MASK = "|||PHONE_NUMBER|||"
IP_MASK = "|||IP_ADDRESS|||"

EMAIL_RE = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<!\w)\d{3}[-. ]?\d{3}[-. ]?\d{4}(?!\w)")
OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IP_RE = re.compile(rf"(?<![\d.]){OCTET}\.{OCTET}\.{OCTET}\.{OCTET}(?!\d)(?!\.\d)")


def mask_emails(text: str) -> tuple[str, int]:
    return EMAIL_RE.subn(EMAIL_MASK, text)


def mask_phone_numbers(text: str) -> tuple[str, int]:
    return PHONE_RE.subn(PHONE_MASK, text)


def mask_ips(text: str) -> tuple[str, int]:
    return IP_RE.subn(IP_MASK, text)
