"""Reading the final answer out of a model's free-form text (HANDOUT.md §11.1): the letter of an MMLU-style
multiple-choice answer, and the final number of a GSM8K-style word problem. Evaluation scores what these return,
so every rule is pinned: a parser that guesses turns a wrong answer into a right one."""

from __future__ import annotations

import re
from typing import Any

# "answer is" as a phrase in any case ("The correct answer is", "the answer is"), then an optional ":", then the
# letter, bare or in parentheses. The letter itself is case-sensitive: "the answer is a virus" names no option.
_MMLU_STATEMENT = re.compile(r"(?i:\banswer\s+is)\s*:?\s*(?:\(([A-Z])\)|([A-Z])(?![A-Za-z0-9]))")
# A number: digits, optional thousands groups of exactly three digits, an optional decimal part; a "-" right before
# it is a sign unless it follows a letter or digit ("3-5" is a range or a difference, not -5). ASCII digits only.
_GSM8K_NUMBER = re.compile(r"(?:(?<![A-Za-z0-9])-)?[0-9]+(?:,[0-9]{3}(?![0-9]))*(?:\.[0-9]+)?")


def _option_letters(mmlu_example: Any) -> str:
    if not isinstance(mmlu_example, dict) or "options" not in mmlu_example:
        raise ValueError("mmlu_example must be a dict with 'options' (a list of the answer strings)")
    options = mmlu_example["options"]
    if not isinstance(options, (list, tuple)) or not 2 <= len(options) <= 26:
        raise ValueError(f"mmlu_example['options'] must be a list of 2 to 26 strings, got {options!r}")
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:len(options)]


def parse_mmlu_response(mmlu_example: dict[str, Any], model_output: str) -> str | None:
    """The option letter the model chose, read from its statement "The correct answer is X", or None.

    - a statement is the phrase "answer is" (any case), optional spaces and ":", then an uppercase letter, bare
      ("B") or in parentheses ("(B)"); a bare letter must stand alone (the next character is not a letter or
      digit: "Because" is no B);
    - the letter must be one of the example's options (A-D for four);
    - several statements with a valid letter: the last one wins (a model that corrects itself);
    - no such statement: None. A letter anywhere else is never read, and neither is an option's text.
    """
    # BEGIN SOLUTION
    letters = _option_letters(mmlu_example)
    if not isinstance(model_output, str):
        raise ValueError(f"model_output must be a str, got {type(model_output).__name__}")
    chosen = None
    for m in _MMLU_STATEMENT.finditer(model_output):
        letter = m.group(1) or m.group(2)
        if letter in letters:
            chosen = letter
    return chosen
    # END SOLUTION


def parse_gsm8k_response(model_output: str) -> str | None:
    """The last number in a free-form answer, as a string without commas, or None when there is no digit.

    - a number is ASCII digits with optional thousands groups (a comma and exactly three digits: "1,234,567")
      and an optional decimal part ("." and at least one digit, kept as written: "12.50");
    - a "-" right before it is its sign unless the "-" follows a letter or digit ("-5", "= -5", "(-5)" are -5;
      "3-5" is 3 and 5);
    - units and symbols around it are ignored ("$1,200" -> "1200", "45%" -> "45", "is 72." -> "72").
    """
    # BEGIN SOLUTION
    if not isinstance(model_output, str):
        raise ValueError(f"model_output must be a str, got {type(model_output).__name__}")
    numbers = _GSM8K_NUMBER.findall(model_output)
    return numbers[-1].replace(",", "") if numbers else None
    # END SOLUTION
