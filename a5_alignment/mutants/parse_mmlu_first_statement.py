"""The first statement wins, not the last: a model that corrects itself ("A. No wait, ... is B") is read as A."""

from a5_alignment.answer_parsing import _MMLU_STATEMENT, _option_letters

UNIT = "a5.parse_mmlu"
TARGET = "parse_mmlu_response"


def MUTANT(mmlu_example, model_output):
    letters = _option_letters(mmlu_example)
    for m in _MMLU_STATEMENT.finditer(model_output):
        letter = m.group(1) or m.group(2)
        if letter in letters:
            return letter
    return None
