"""Mask the ten digits but leave the country code: "+1 |||PHONE_NUMBER|||"."""

import re

UNIT = "a4.pii"
TARGET = "mask_phone_numbers"
_PHONE = re.compile(r"(?<!\w)(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?!\w)")


def MUTANT(text: str) -> tuple[str, int]:
    return _PHONE.subn("|||PHONE_NUMBER|||", text)
