"""Octets as any 1-3 digits: 256.1.1.1 and parts of 1.2.3.4.5 are masked as addresses."""

import re

UNIT = "a4.pii"
TARGET = "mask_ips"
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def MUTANT(text: str) -> tuple[str, int]:
    return _IPV4.subn("|||IP_ADDRESS|||", text)
