"""Cases for a5.parse_mmlu and a5.parse_gsm8k (HANDOUT §11.1): hand-worked examples, each with the rule it
exercises, and generated responses whose expected answer is written down as each response is built. The oracle
(a5_alignment/oracles/parsing.py) re-reads every response with its own character-scanning parser and must agree
with the built answers."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, exact, hide, raises

ORACLES = Oracles("a5_alignment.oracles.parsing")  # expected values: instructor-only, never released

LETTERS = "ABCD"

# CS336's a5 example (test_parse_mmlu_response), then one example per rule of HANDOUT §11.1.
MMLU_EXAMPLE = {"subject": "virology", "question": "How many human polyomaviruses are known at present?",
                "options": ["100", "1", "10", "unknown"], "answer": "A"}
MMLU_WORKED: list[tuple[str, str | None]] = [
    ("The correct answer is B. There is only one human polyomavirus known at present.", "B"),  # CS336's
    ("The correct answer is 10000 polyomaviruses.", None),  # CS336's: no letter after the phrase
    ("I think the answer is (C) because of the BK virus.", "C"),  # a letter in parentheses
    ("The correct answer is A. Wait, no: the correct answer is D.", "D"),  # the last statement wins
    ("A and B are both wrong; the correct answer is C, not D.", "C"),  # letters outside a statement: never read
    ("Options A, B and D look wrong to me.", None),  # no statement at all: no guessing
    ("The correct answer is Bacteria.", None),  # "B" does not stand alone
    ("I would say the answer is a virus.", None),  # the letter is case-sensitive: "a" is an article
    ("The correct answer is E.", None),  # four options: A-D only
    ("THE ANSWER IS: B", "B"),  # the phrase in any case, an optional ":"
    ("The correct answer is 1.", None),  # an option's text ("1") is never read
    ("The correct answer is (B", None),  # an unclosed parenthesis is no letter
    ("The correct answer is A. Actually, the answer is E.", "A"),  # a statement without a valid letter is skipped
    ("answer is\nC", "C"),  # any whitespace between
]

# CS336's a5 example (test_parse_gsm8k_response), then one example per rule.
GSM8K_WORKED: list[tuple[str, str | None]] = [
    ("Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.", "72"),
    ("So she has 1,234 apples.", "1234"),  # thousands groups lose their commas
    ("The total is $1,200.50.", "1200.50"),  # symbols ignored, the decimal part kept as written
    ("The temperature fell to -5 degrees.", "-5"),  # a sign after a space
    ("Read pages 3-5", "5"),  # a "-" after a digit is no sign
    ("It costs 12.50 dollars, so 2 of them cost 25.", "25"),  # the last number; a full stop is no decimal point
    ("45% of them", "45"),
    ("1,2345", "2345"),  # a group needs exactly three digits: "1" then "2345"
    ("no idea", None),
    ("x = -0.75", "-0.75"),
    ("1,234,567 grains", "1234567"),
    ("each bag holds 5kg", "5"),  # units glued to the number
    ("#### 72", "72"),
    ("(-12)", "-12"),
    ("take-5 breaks", "5"),  # a "-" after a letter is no sign
]


def mmlu_worked_inputs(rng: np.random.Generator) -> dict:
    return {"example": MMLU_EXAMPLE, "responses": [r for r, _ in MMLU_WORKED], "want": [w for _, w in MMLU_WORKED]}


def gsm8k_worked_inputs(rng: np.random.Generator) -> dict:
    return {"responses": [r for r, _ in GSM8K_WORKED], "want": [w for _, w in GSM8K_WORKED]}


_FILLER = ("Let me think.", "Consider each option.", "The question is about cells.", "Hmm.", "", "Step by step:")
_OPTION_WORDS = ("mitochondria", "ribosome", "seven", "12", "none of these", "paris", "blue", "3.5", "the nucleus")
_NOT_ALONE = {"A": "Apples", "B": "Bacteria", "C": "Cells", "D": "DNA-based"}


def _mmlu_item(kind: str, rng: np.random.Generator, options: list[str]) -> tuple[str, str | None]:
    """One response of a kind and its answer under the rules, written down as it is built."""
    pre, post = (str(rng.choice(_FILLER)) for _ in range(2))
    a, b, c = (str(x) for x in rng.choice(list(LETTERS), size=3, replace=False))
    if kind == "plain":
        return f"{pre} The correct answer is {a}. {post}", a
    if kind == "paren":
        return f"{pre} I believe the answer is ({a}) here.", a
    if kind == "colon":
        return f"{pre}\nAnswer is: {a}", a
    if kind == "corrected":  # the last statement wins
        return f"The correct answer is {a}. No wait, the correct answer is {b}. {post}", b
    if kind == "distractor":  # letters outside the statement are never read
        return f"Option {a} is tempting, but the correct answer is {b}, not {c}.", b
    if kind == "none":
        return f"{pre} I cannot decide between {a} and {b}.", None
    if kind == "option_text":  # the text of an option is never read
        return f"The correct answer is {options[int(rng.integers(len(options)))]}.", None
    if kind == "not_alone":
        return f"{pre} The correct answer is {_NOT_ALONE[a]}.", None
    if kind == "lowercase":
        return f"the answer is {a.lower()}) {post}", None
    if kind == "out_of_range":  # E-Z name no option of four; the earlier valid statement stands
        late = str(rng.choice(list("EFGXYZ")))
        return f"The answer is {a}. Or the answer is {late}.", a
    raise ValueError(kind)


MMLU_KINDS = ("plain", "paren", "colon", "corrected", "distractor", "none", "option_text", "not_alone", "lowercase",
              "out_of_range")


def mmlu_inputs(rng: np.random.Generator) -> dict:
    """24 responses: every kind once and 14 more of any kind, shuffled (a long answer sequence, so no visible
    draw's sequence fits a hidden one)."""
    options = [str(w) for w in rng.choice(_OPTION_WORDS, size=4, replace=False)]
    example = {"subject": "biology", "question": "Which one is right?", "options": options,
               "answer": str(rng.choice(list(LETTERS)))}
    kinds = [*MMLU_KINDS, *(str(k) for k in rng.choice(MMLU_KINDS, size=14))]
    items = [_mmlu_item(kinds[i], rng, options) for i in rng.permutation(len(kinds))]
    return {"example": example, "responses": [i[0] for i in items], "want": [i[1] for i in items]}


def _gsm8k_item(kind: str, rng: np.random.Generator) -> tuple[str, str | None]:
    x, y = (int(v) for v in rng.integers(2, 999, size=2))
    work = f"First {x} + {y} = {x + y}."
    if kind == "plain":
        return f"{work} So the answer is {x * y}.", str(x * y)
    if kind == "thousands":
        n = int(rng.integers(1000, 10**7))
        return f"{work} In total {n:,} people came.", str(n)
    if kind == "money":
        cents = int(rng.integers(1, 100))
        return f"{work} She pays ${x:,}.{cents:02d} in the end", f"{x}.{cents:02d}"
    if kind == "negative":
        return f"{work} The change is -{y} degrees", f"-{y}"
    if kind == "range":  # a "-" after a digit is no sign
        return f"{work} Between {x}-{y}", str(y)
    if kind == "unit":
        return f"{work} Each weighs {y}kg.", str(y)
    if kind == "percent":
        return f"{work} That is {y}% of it.", str(y)
    if kind == "decimal":
        d = int(rng.integers(1, 1000))
        return f"{work} The mean is -{x}.{d}.", f"-{x}.{d}"
    if kind == "no_number":
        return "I do not know how to solve this.", None
    if kind == "bad_group":  # a comma not followed by exactly three digits ends the number
        return f"{work} Count {x},{y * 10 + 10000}", str(y * 10 + 10000)
    raise ValueError(kind)


GSM8K_KINDS = ("plain", "thousands", "money", "negative", "range", "unit", "percent", "decimal", "no_number",
               "bad_group")


def gsm8k_inputs(rng: np.random.Generator) -> dict:
    kinds = [*GSM8K_KINDS, *(str(k) for k in rng.choice(GSM8K_KINDS, size=14))]
    items = [_gsm8k_item(kinds[i], rng) for i in rng.permutation(len(kinds))]
    return {"responses": [i[0] for i in items], "want": [i[1] for i in items]}


def run_mmlu(impl: Impl, inp: dict) -> Any:
    return [impl.parse_mmlu_response(dict(inp["example"]), r) for r in inp["responses"]]


def run_gsm8k(impl: Impl, inp: dict) -> Any:
    return [impl.parse_gsm8k_response(r) for r in inp["responses"]]


def run_mmlu_bad_example(impl: Impl, inp: dict) -> Any:
    return impl.parse_mmlu_response({"question": "q"}, "The correct answer is A.")


SUITE = Suite(cases=(
    Case(name="parse_mmlu/worked_examples", inputs=mmlu_worked_inputs, compare=exact(), run=run_mmlu,
         public=hide("want"), expect=ORACLES.expect_mmlu, seeds=(0,), hidden_draws=0,
         note="CS336's two examples and one per rule of §11.1 (the last statement wins, letters elsewhere unread)"),
    Case(name="parse_mmlu/generated", inputs=mmlu_inputs, compare=exact(), run=run_mmlu, public=hide("want"),
         expect=ORACLES.expect_mmlu, seeds=(0, 1), hidden_draws=2,
         note="24 responses: corrections, distractor letters, option text, words starting with a letter, E-Z"),
    Case(name="parse_mmlu/no_options_raises", inputs=lambda rng: {}, compare=raises(ValueError),
         run=run_mmlu_bad_example, expect=None, seeds=(0,), hidden_draws=0,
         note="an example without 'options': ValueError"),
    Case(name="parse_gsm8k/worked_examples", inputs=gsm8k_worked_inputs, compare=exact(), run=run_gsm8k,
         public=hide("want"), expect=ORACLES.expect_gsm8k, seeds=(0,), hidden_draws=0,
         note="CS336's example and one per rule: commas, signs, ranges, units, decimals kept as written"),
    Case(name="parse_gsm8k/generated", inputs=gsm8k_inputs, compare=exact(), run=run_gsm8k, public=hide("want"),
         expect=ORACLES.expect_gsm8k, seeds=(0, 1), hidden_draws=2,
         note="24 responses: the last number, thousands groups, money, signs vs ranges, units, no number"),
))
