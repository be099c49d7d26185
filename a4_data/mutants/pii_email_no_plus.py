"""An email pattern whose local part allows only letters, digits, dots and underscores: "kavya.r+news@..."
keeps "kavya.r+" outside the mask."""

import re

UNIT = "a4.pii"
TARGET = "mask_emails"
_EMAIL = re.compile(r"[A-Za-z0-9._]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def MUTANT(text: str) -> tuple[str, int]:
    return _EMAIL.subn("|||EMAIL_ADDRESS|||", text)
