"""Format reward without requiring "</answer>": an unclosed answer counts as formatted."""

from a5_alignment.infra.verifier import answers_match

UNIT = "a5.r1_zero_reward"
TARGET = "r1_zero_reward_fn"


def MUTANT(response, ground_truth):
    i = response.find("</think> <answer>")
    if i < 0:
        return {"format_reward": 0.0, "answer_reward": 0.0, "reward": 0.0}
    ans = response[i + len("</think> <answer>"):].split("</answer>")[0]
    ok = float(answers_match(ans, ground_truth))
    return {"format_reward": 1.0, "answer_reward": ok, "reward": ok}
