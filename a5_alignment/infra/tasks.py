"""Procedurally generated math tasks with verifiable answers (HANDOUT.md §7.2): arithmetic (a + b, a + b - c,
a * b) and multi-step word problems. Every problem has a worked solution (for SFT) and an exact answer (for the
reward). Train and test never overlap: a problem's split is a hash of its question text, so the same question
can never land in both, whatever the seeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Problem:
    question: str
    answer: str  # the exact final answer, as the verifier reads it
    solution: str  # a worked solution (the "thinking"), without the answer tags


# Prompt templates (pinned, HANDOUT §7.3). Both end with "<think>", so a response continues the thinking and the
# r1-zero reward (reward.py) applies.
R1_ZERO_PROMPT = (
    "A conversation between User and Assistant. The User asks a question, and the Assistant solves it. The "
    "Assistant first thinks about the reasoning process in the mind and then provides the User with the answer. "
    "The reasoning process is enclosed within <think> </think> and answer is enclosed within <answer> </answer> "
    "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>.\n"
    "User: {question}\nAssistant: <think>"
)
SHORT_PROMPT = "Q: {question}\nA: <think>"
# SmolLM2-Instruct's chat format: the r1-zero instruction as the system turn and one worked exchange (one-shot;
# zero-shot the 135M model almost never closes </think> <answer>); the assistant turn opens with "<think>" so the
# reward applies unchanged.
SMOL_CHAT_PROMPT = (
    "<|im_start|>system\nYou are a careful math assistant. Think inside <think> </think>, then give only the final "
    "number inside <answer> </answer>.<|im_end|>\n<|im_start|>user\nCompute 12+7<|im_end|>\n"
    "<|im_start|>assistant\n<think> 12+7=19 </think> <answer> 19 </answer><|im_end|>\n"
    "<|im_start|>user\nCompute {question}<|im_end|>\n<|im_start|>assistant\n<think>"
)
PROMPTS = {"r1_zero": R1_ZERO_PROMPT, "short": SHORT_PROMPT, "smol_chat": SMOL_CHAT_PROMPT}


def format_prompt(problem: Problem, template: str = "short") -> str:
    return PROMPTS[template].format(question=problem.question)


def format_response(problem: Problem) -> str:
    """The target response of SFT: " <solution> </think> <answer> <answer> </answer>"."""
    return f" {problem.solution} </think> <answer> {problem.answer} </answer>"


def sloppy(problem: Problem, error_rate: float) -> Problem:
    """The problem as a sloppy teacher demonstrates it: for a fixed ~error_rate of questions (by hash, so the
    same question always gets the same demonstration) the final result is off by one, consistently in the
    worked solution and the answer. Models unverified SFT data (HANDOUT §8.2); the verifier is unaffected."""
    h = int.from_bytes(hashlib.sha256(b"sloppy\x00" + problem.question.encode()).digest()[:8], "little") / 2**64
    if h >= error_rate or not problem.answer.lstrip("-").isdigit():
        return problem
    wrong = str(int(problem.answer) + 1)
    head, _, last = problem.solution.rpartition("=")
    return Problem(problem.question, wrong, f"{head}={wrong}" if head else wrong)


def split_of(question: str, test_fraction: float = 0.1) -> str:
    """"test" for a fixed ~test_fraction of all possible questions (by hash of the text), else "train"."""
    h = int.from_bytes(hashlib.sha256(question.encode()).digest()[:8], "little") / 2**64
    return "test" if h < test_fraction else "train"


def _add(rng: np.random.Generator, hi: int) -> Problem:
    a, b = (int(x) for x in rng.integers(0, hi + 1, size=2))
    return Problem(f"{a}+{b}", str(a + b), f"{a}+{b}={a + b}")


def _addsub(rng: np.random.Generator, hi: int) -> Problem:
    a, b = (int(x) for x in rng.integers(0, hi + 1, size=2))
    c = int(rng.integers(0, a + b + 1))
    return Problem(f"{a}+{b}-{c}", str(a + b - c), f"{a}+{b}={a + b}, {a + b}-{c}={a + b - c}")


def _mul(rng: np.random.Generator, hi: int) -> Problem:
    a, b = int(rng.integers(2, hi + 1)), int(rng.integers(2, 10))
    return Problem(f"{a}*{b}", str(a * b), f"{a}*{b}={a * b}")


NAMES = ("Ann", "Bo", "Cy", "Di", "Ed", "Flo")
ITEMS = ("apples", "pens", "coins", "books", "cards")


def _word(rng: np.random.Generator, hi: int) -> Problem:
    name, item = str(rng.choice(NAMES)), str(rng.choice(ITEMS))
    a, b = (int(x) for x in rng.integers(1, hi + 1, size=2))
    c = int(rng.integers(0, a + b + 1))
    q = f"{name} has {a} {item}, gets {b} more and gives away {c}. How many {item} now?"
    return Problem(q, str(a + b - c), f"{a}+{b}={a + b}, {a + b}-{c}={a + b - c}")


FAMILIES: dict[str, Callable[[np.random.Generator, int], Problem]] = {
    "add": _add, "addsub": _addsub, "mul": _mul, "word": _word}


def generate(n: int, split: str, families: tuple[str, ...] = ("add",), max_value: int = 99, seed: int = 0,
             test_fraction: float = 0.1) -> list[Problem]:
    """n distinct problems of `split` ("train" or "test"), drawn from the families in turn. Raises ValueError
    when the space is too small to give n distinct problems of that split."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown task families {unknown}; known: {sorted(FAMILIES)}")
    rng = np.random.default_rng(seed)
    seen: set[str] = set()
    out: list[Problem] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n + 10_000:
            raise ValueError(f"could not draw {n} distinct {split} problems from {families} with max_value="
                             f"{max_value}: ask for fewer or raise max_value")
        p = FAMILIES[families[len(out) % len(families)]](rng, max_value)
        if p.question in seen or split_of(p.question, test_fraction) != split:
            continue
        seen.add(p.question)
        out.append(p)
    return out
