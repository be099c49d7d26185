"""The old loose pattern -?\\d[\\d,]*: any comma joins digits ("1,2345" -> 12345) and a "-" after a digit is a sign
("pages 3-5" -> -5)."""

import re

UNIT = "a5.parse_gsm8k"
TARGET = "parse_gsm8k_response"


def MUTANT(model_output):
    nums = re.findall(r"-?\d[\d,]*(?:\.\d+)?", model_output)
    return nums[-1].replace(",", "").rstrip(".") if nums else None
