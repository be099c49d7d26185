"""The r1-zero reward (DeepSeek-AI, 2025, R1-Zero's format): the response continues a prompt that ends with
"<think>", so a well-formed response is `... </think> <answer> ... </answer>` (HANDOUT.md §6.1)."""

from __future__ import annotations

from a5_alignment.infra.verifier import answers_match

THINK_END, ANSWER_START, ANSWER_END = "</think>", "<answer>", "</answer>"


def extract_answer(response: str) -> str | None:
    """The text between the first "<answer>" after "</think>" and the next "</answer>", or None."""
    i = response.find(f"{THINK_END} {ANSWER_START}")
    if i < 0:
        return None
    start = i + len(f"{THINK_END} {ANSWER_START}")
    j = response.find(ANSWER_END, start)
    return None if j < 0 else response[start:j]


def r1_zero_reward_fn(response: str, ground_truth: str) -> dict[str, float]:
    """{"format_reward", "answer_reward", "reward"} for one response:

    - unformatted (no "</think> <answer>", or no "</answer>" after it): (0, 0, 0);
    - formatted, answer wrong: (1, 0, 0);
    - formatted, answer right (verifier.answers_match with the ground truth): (1, 1, 1).
    """
    # BEGIN SOLUTION
    answer = extract_answer(response)
    if answer is None:
        return {"format_reward": 0.0, "answer_reward": 0.0, "reward": 0.0}
    if answers_match(answer, ground_truth):
        return {"format_reward": 1.0, "answer_reward": 1.0, "reward": 1.0}
    return {"format_reward": 1.0, "answer_reward": 0.0, "reward": 0.0}
    # END SOLUTION
