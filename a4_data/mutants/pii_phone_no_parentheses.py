"""A phone pattern without the parenthesised area code: "(555) 123-4567" is only partly masked."""

import re

UNIT = "a4.pii"
TARGET = "mask_phone_numbers"
_PHONE = re.compile(r"(?<![\w+])(?:\+?1[ .-]?)?\d{3}[ .-]?\d{3}[ .-]?\d{4}(?!\w)")


def MUTANT(text: str) -> tuple[str, int]:
    return _PHONE.subn("|||PHONE_NUMBER|||", text)
