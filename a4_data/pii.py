"""Masking personal information: emails, US phone numbers, IPv4 addresses (HANDOUT.md §4).

Each function returns (masked text, number of replacements). The patterns are pinned by the handout.
"""

from __future__ import annotations

import re

EMAIL_MASK = "|||EMAIL_ADDRESS|||"
PHONE_MASK = "|||PHONE_NUMBER|||"
IP_MASK = "|||IP_ADDRESS|||"

# BEGIN SOLUTION ONLY
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# optional country code (+1 / 1 and a separator), area code with or without parentheses, then 3 + 4 digits;
# separators are one space, '-' or '.', or none (also after a parenthesised area code: CS336's "(283)-182-3829")
_PHONE = re.compile(r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?!\w)")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# subtle: not inside a longer dotted number (1.2.3.4.5) nor a longer digit run (256.1.1.1 is no address)
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\d)(?!\.\d)")
# END SOLUTION ONLY


def _check(text: object, name: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{name} takes a str, got {type(text).__name__}")


def mask_emails(text: str) -> tuple[str, int]:
    """Replace every email address (local part of letters, digits and `._%+-`, '@', a dotted domain ending in
    two or more letters) with |||EMAIL_ADDRESS|||."""
    # BEGIN SOLUTION
    _check(text, "mask_emails")
    return _EMAIL.subn(EMAIL_MASK, text)
    # END SOLUTION


def mask_phone_numbers(text: str) -> tuple[str, int]:
    """Replace every US phone number in the formats of HANDOUT.md §4 with |||PHONE_NUMBER|||, including its
    country code (`+1` or `1`) when present."""
    # BEGIN SOLUTION
    _check(text, "mask_phone_numbers")
    return _PHONE.subn(PHONE_MASK, text)
    # END SOLUTION


def mask_ips(text: str) -> tuple[str, int]:
    """Replace every IPv4 address (four dot-separated decimal octets 0-255, not part of a longer dotted or
    digit sequence) with |||IP_ADDRESS|||."""
    # BEGIN SOLUTION
    _check(text, "mask_ips")
    return _IPV4.subn(IP_MASK, text)
    # END SOLUTION
