"""Tasks: splits never overlap, answers are right (checked by Python's own arithmetic), the SFT target earns
reward 1; GSM8K/MATH loaders on small files in the published formats, written here."""

import json
import re

import pytest

from a5_alignment.answer_parsing import parse_gsm8k_response
from a5_alignment.infra.math_data import last_boxed, load_gsm8k, load_math
from a5_alignment.infra.tasks import FAMILIES, format_response, generate, split_of
from a5_alignment.reward import r1_zero_reward_fn


def test_train_and_test_never_overlap_across_seeds():
    fams = tuple(FAMILIES)
    train = {p.question for s in range(3) for p in generate(400, "train", fams, 99, seed=s)}
    test = {p.question for s in range(3) for p in generate(100, "test", fams, 99, seed=s)}
    assert train and test and not train & test
    assert all(split_of(q) == "train" for q in train) and all(split_of(q) == "test" for q in test)


@pytest.mark.parametrize("family", ["add", "addsub", "mul"])
def test_answers_are_correct(family):
    for p in generate(200, "train", (family,), 99, seed=5):
        assert re.fullmatch(r"[0-9+\-*]+", p.question)
        assert int(p.answer) == eval(p.question)


def test_word_problems_and_targets():
    for p in generate(100, "test", ("word",), 50, seed=1):
        a, b, c = (int(x) for x in re.findall(r"\d+", p.question))
        assert int(p.answer) == a + b - c >= 0
        assert r1_zero_reward_fn(format_response(p), p.answer)["reward"] == 1.0


def test_impossible_request_is_a_clear_error():
    with pytest.raises(ValueError, match="distinct"):
        generate(500, "test", ("add",), 5)
    with pytest.raises(ValueError, match="families"):
        generate(5, "train", ("calculus",))


def test_gsm8k_loader(tmp_path):
    path = tmp_path / "gsm8k.jsonl"
    rows = [{"question": "Ann has 3 apples and buys 4. How many?", "answer": "3+4=<<3+4=7>>7\n#### 7"},
            {"question": "Big?", "answer": "Lots.\n#### 1,234"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    probs = load_gsm8k(path)
    assert [p.answer for p in probs] == ["7", "1234"]
    assert "<<" not in probs[0].solution
    path.write_text(json.dumps({"question": "q", "answer": "no marker"}) + "\n")
    with pytest.raises(ValueError, match="not GSM8K"):
        load_gsm8k(path)
    with pytest.raises(FileNotFoundError):
        load_gsm8k(tmp_path / "missing.jsonl")


def test_math_loader(tmp_path):
    path = tmp_path / "math.jsonl"
    rows = [{"problem": "Compute 1/2+1/4.", "solution": "We get $\\boxed{\\frac{3}{4}}$.", "level": "Level 1",
             "type": "Algebra"}]
    path.write_text(json.dumps(rows[0]) + "\n")
    (p,) = load_math(path)
    assert p.answer == "\\frac{3}{4}"
    assert r1_zero_reward_fn("x </think> <answer>0.75</answer>", p.answer)["reward"] == 1.0
    assert last_boxed("\\boxed{a} then \\boxed{{b}}") == "{b}"


def test_parse_gsm8k_response():
    assert parse_gsm8k_response("so she has 1,234 apples.") == "1234"
    assert parse_gsm8k_response("-3.5 then 7") == "7"
    assert parse_gsm8k_response("none") is None
