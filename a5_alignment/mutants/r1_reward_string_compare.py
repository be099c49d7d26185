"""Answers compared as stripped strings: "1/2" no longer matches "0.5"."""

UNIT = "a5.r1_zero_reward"
TARGET = "r1_zero_reward_fn"


def MUTANT(response, ground_truth):
    i = response.find("</think> <answer>")
    j = response.find("</answer>", i + 1)
    if i < 0 or j < 0:
        return {"format_reward": 0.0, "answer_reward": 0.0, "reward": 0.0}
    ok = float(response[i + len("</think> <answer>"):j].strip() == ground_truth.strip())
    return {"format_reward": 1.0, "answer_reward": ok, "reward": ok}
