"""Expected values of a5's answer-parsing cases (a5_alignment/cases/parsing.py), instructor-only: a second parser
written as a character scanner from HANDOUT §11.1's rules (the reference uses regular expressions), which must agree
with the answers the case wrote down as it built each response; a disagreement stops `grader build`."""

from __future__ import annotations

from typing import Any

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DIGITS = frozenset("0123456789")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def mmlu_letter(options: list[str], text: str) -> str | None:
    """Scan every "answer" that starts a word; after it: whitespace (at least one), "is" in any case, whitespace,
    an optional ":", whitespace, then "(L)" or a lone L among the first len(options) uppercase letters."""
    valid = [chr(ord("A") + i) for i in range(len(options))]
    low, n, chosen = text.lower(), len(text), None
    start = low.find("answer")
    while start >= 0:
        i = start + len("answer")
        ok = start == 0 or not _word_char(text[start - 1])
        j = i
        while j < n and text[j].isspace():
            j += 1
        if ok and j > i and low[j:j + 2] == "is":
            j += 2
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] == ":":
                j += 1
            while j < n and text[j].isspace():
                j += 1
            letter = None
            if j + 2 < n + 0 and text[j] == "(" and text[j + 2] == ")":
                letter = text[j + 1]
            elif j < n and (j + 1 == n or text[j + 1] not in _ASCII_ALNUM):
                letter = text[j]
            if letter is not None and letter in valid:
                chosen = letter
        start = low.find("answer", start + 1)
    return chosen


def gsm8k_last_number(text: str) -> str | None:
    """Scan left to right: an optional sign (a "-" not after an ASCII letter or digit), digits, groups of a comma
    and exactly three digits not followed by a fourth, an optional "." and digits; the last one found wins."""
    found, i, n = [], 0, len(text)
    while i < n:
        sign = text[i] == "-" and (i == 0 or text[i - 1] not in _ASCII_ALNUM)
        j = i + 1 if sign else i
        if j < n and text[j] in _DIGITS:
            k = j
            while k < n and text[k] in _DIGITS:
                k += 1
            while (k + 3 < n and text[k] == "," and all(c in _DIGITS for c in text[k + 1:k + 4])
                   and (k + 4 == n or text[k + 4] not in _DIGITS)):
                k += 4
            if k + 1 < n and text[k] == "." and text[k + 1] in _DIGITS:
                k += 1
                while k < n and text[k] in _DIGITS:
                    k += 1
            found.append(text[i if sign else j:k].replace(",", ""))
            i = k
        else:
            i += 1
    return found[-1] if found else None


def _agree(got: list, want: list, what: str) -> list:
    if got != want:
        bad = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
        raise AssertionError(f"{what}: the scanner reads item {bad} as {got[bad]!r}, the case wrote {want[bad]!r}")
    return want


def expect_mmlu(inp: dict) -> Any:
    got = [mmlu_letter(inp["example"]["options"], r) for r in inp["responses"]]
    return _agree(got, list(inp["want"]), "mmlu")


def expect_gsm8k(inp: dict) -> Any:
    got = [gsm8k_last_number(r) for r in inp["responses"]]
    return _agree(got, list(inp["want"]), "gsm8k")
