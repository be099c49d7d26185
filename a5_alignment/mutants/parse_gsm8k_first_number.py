"""The first number instead of the last: the worked steps' numbers are read as the answer."""

from a5_alignment.answer_parsing import _GSM8K_NUMBER

UNIT = "a5.parse_gsm8k"
TARGET = "parse_gsm8k_response"


def MUTANT(model_output):
    numbers = _GSM8K_NUMBER.findall(model_output)
    return numbers[0].replace(",", "") if numbers else None
