"""Guesses when there is no statement: the last lone option letter anywhere in the text ("between A and B" -> B)."""

import re

from a5_alignment.answer_parsing import _option_letters, parse_mmlu_response

UNIT = "a5.parse_mmlu"
TARGET = "parse_mmlu_response"


def MUTANT(mmlu_example, model_output):
    found = parse_mmlu_response(mmlu_example, model_output)
    if found is not None:
        return found
    letters = [x for x in re.findall(r"\b([A-Z])\b", model_output) if x in _option_letters(mmlu_example)]
    return letters[-1] if letters else None
