"""Our own answer verifier: do two answer strings denote the same value? (HANDOUT.md §6.2)

Numbers (integers, decimals, thousands separators, a leading +/-, percentages), fractions (`3/4`, `\\frac{3}{4}`)
and simple expressions (`2*(3+4)`, `2^10`) are evaluated exactly with `fractions.Fraction` by a small AST walker
that allows only numbers, + - * / ** and parentheses. Anything else is compared as normalised text. Every
evaluation runs under a time limit (a deadline checked at every node, and a cap on exponents), so a hostile
answer such as `9**9**9**9` is rejected quickly instead of hanging a reward computation.
"""

from __future__ import annotations

import ast
import re
import time
from fractions import Fraction

MAX_CHARS = 200  # longer answers are compared as text only
MAX_EXPONENT = 64  # |exponent| allowed in a ** b
MAX_MAGNITUDE = 10**60  # intermediate values beyond this abort the evaluation
DEFAULT_TIME_LIMIT_S = 0.5


class VerifierTimeout(Exception):
    """The evaluation ran past its deadline."""


def _strip_wrappers(text: str) -> str:
    s = text.strip()
    boxed = re.fullmatch(r"\\boxed\{(.*)\}", s)
    if boxed:
        s = boxed.group(1)
    s = s.strip().strip("$").strip()
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    s = re.sub(r"\\dfrac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    s = s.replace("\\left", "").replace("\\right", "").replace("\\cdot", "*").replace("\\times", "*")
    s = s.replace("\\!", "").replace("\\,", "").replace("^", "**")
    return s.rstrip(".").strip()


def _numeric_text(s: str) -> str:
    # subtle: a comma is a thousands separator only between digit groups of three ("1,234"), never "1,2".
    s = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", s)
    percent = s.endswith("%")
    s = s.rstrip("%").strip()
    return f"({s})/100" if percent else s


def _eval(node: ast.AST, deadline: float) -> Fraction:
    if time.monotonic() > deadline:
        raise VerifierTimeout
    if isinstance(node, ast.Expression):
        return _eval(node.body, deadline)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value)) if isinstance(node.value, float) else Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        v = _eval(node.operand, deadline)
        return v if isinstance(node.op, ast.UAdd) else -v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        a, b = _eval(node.left, deadline), _eval(node.right, deadline)
        if isinstance(node.op, ast.Add):
            out = a + b
        elif isinstance(node.op, ast.Sub):
            out = a - b
        elif isinstance(node.op, ast.Mult):
            out = a * b
        elif isinstance(node.op, ast.Div):
            if b == 0:
                raise ZeroDivisionError
            out = a / b
        else:
            if b.denominator != 1 or abs(b) > MAX_EXPONENT or (a == 0 and b < 0):
                raise ValueError("exponent out of range")
            out = a ** int(b)
        if abs(out.numerator) > MAX_MAGNITUDE or out.denominator > MAX_MAGNITUDE:
            raise ValueError("value out of range")
        return out
    raise ValueError(f"not an arithmetic expression: {type(node).__name__}")


def parse_value(text: str, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> Fraction | None:
    """The exact value of a numeric answer or simple arithmetic expression, or None when it is not one (or
    does not finish within time_limit_s)."""
    s = _numeric_text(_strip_wrappers(text))
    if not s or len(s) > MAX_CHARS or not re.fullmatch(r"[0-9+\-*/().\s]+", s):
        return None
    deadline = time.monotonic() + time_limit_s
    try:
        return _eval(ast.parse(s, mode="eval"), deadline)
    except (SyntaxError, ValueError, ZeroDivisionError, VerifierTimeout, RecursionError, OverflowError):
        return None


def normalize_text(text: str) -> str:
    """Lower case, no spaces, no surrounding $ or \\boxed{}, no trailing period: for non-numeric answers."""
    return re.sub(r"\s+", "", _strip_wrappers(text)).lower()


def answers_match(given: str, truth: str, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> bool:
    """True when `given` and `truth` denote the same value: equal exact values when both parse as numbers or
    expressions (so "0.5", "1/2", "\\frac{1}{2}" and "50%" all match "1/2"), equal normalised text otherwise."""
    g, t = parse_value(given, time_limit_s), parse_value(truth, time_limit_s)
    if g is not None and t is not None:
        return g == t
    if g is None and t is None:
        return bool(normalize_text(given)) and normalize_text(given) == normalize_text(truth)
    return False
