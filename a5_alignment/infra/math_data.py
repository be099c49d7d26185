"""Loaders for GSM8K and MATH in their published jsonl formats (HANDOUT.md §7.2), for machines where the files
are available; tests run them on small files in the same format that they write themselves.

GSM8K lines: {"question": ..., "answer": "...worked solution...\\n#### 72"}. MATH lines: {"problem": ...,
"solution": "... \\boxed{...} ...", "level": ..., "type": ...}.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from a5_alignment.infra.tasks import Problem


def _lines(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file (GSM8K/MATH are not shipped; point at a local jsonl copy)")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not a JSON line ({e.msg})") from None
    return out


def load_gsm8k(path: str | Path) -> list[Problem]:
    """Problems from a GSM8K jsonl file: the answer is the text after "####" (commas removed), the solution the
    text before it (with GSM8K's <<calculator>> annotations removed)."""
    out = []
    for i, row in enumerate(_lines(path)):
        if "question" not in row or "answer" not in row or "####" not in row["answer"]:
            raise ValueError(f"{path}: line {i + 1} is not GSM8K (needs 'question' and an 'answer' with '####')")
        work, final = row["answer"].rsplit("####", 1)
        work = re.sub(r"<<[^>]*>>", "", work).strip()
        out.append(Problem(row["question"].strip(), final.strip().replace(",", ""), work))
    return out


def last_boxed(text: str) -> str | None:
    """Contents of the last \\boxed{...} in text (balanced braces), or None."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    i, depth = start + len("\\boxed{"), 1
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j]
    return None


def load_math(path: str | Path) -> list[Problem]:
    """Problems from a MATH jsonl file: the answer is the last \\boxed{} of the solution."""
    out = []
    for i, row in enumerate(_lines(path)):
        answer = last_boxed(row.get("solution", ""))
        if "problem" not in row or answer is None:
            raise ValueError(f"{path}: line {i + 1} is not MATH (needs 'problem' and a solution with \\boxed{{}})")
        out.append(Problem(row["problem"].strip(), answer.strip(), row["solution"].strip()))
    return out



LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def load_mmlu(path: str | Path) -> list[dict]:
    """Examples from an MMLU-format jsonl file: {"subject", "question", "options" (a list of strings), "answer"
    (the correct option's letter)}, as CS336's a5 reads MMLU (HANDOUT §11.1)."""
    out = []
    for i, row in enumerate(_lines(path)):
        options = row.get("options")
        ok = isinstance(options, list) and 2 <= len(options) <= 26 and "question" in row
        if not ok or row.get("answer") not in LETTERS[:len(options)]:
            raise ValueError(f"{path}: line {i + 1} is not MMLU (needs 'question', 'options' and an 'answer' letter "
                             f"among the options)")
        out.append({"subject": str(row.get("subject", "")), "question": row["question"], "options": options,
                    "answer": row["answer"]})
    return out
