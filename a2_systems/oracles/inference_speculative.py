"""Expected values of a2.speculative_decoding's cases (instructor-only), for a2_systems/cases/inference_speculative.py
and hidden/inference_edges.py, in float64 numpy on the stand-in LMs: the target's next-token distribution, the
joint distribution of the first two new tokens, i.i.d. tokens from p for prefix-free models, the greedy path the
inputs hold, and the counts of a draft equal to the target (every draft accepted, a bonus token per round)."""

import numpy as np

from a2_systems.cases.inference_speculative import logits64, softmax64


def next_probs(a: np.ndarray, b: np.ndarray, ids: list[int], temperature: float) -> np.ndarray:
    return softmax64(logits64(a, b, ids)[-1] / temperature)


def expect_joint(inp: dict) -> np.ndarray:
    """P(x1 = i, x2 = j) = p(i | prompt) p(j | prompt, i), flattened to i * vocab + j."""
    a, b, t, prompt = inp["A"], inp["B"], inp["temperature"], inp["prompt"]
    p1 = next_probs(a, b, prompt, t)
    return np.concatenate([p1[i] * next_probs(a, b, prompt + [i], t) for i in range(a.shape[0])])


def expect_unigram(inp: dict) -> dict:
    return {"counts": None, "tokens": softmax64(inp["lt"] / inp["temperature"])}


def expect_same_model(inp: dict) -> dict:
    n, k = inp["max_new_tokens"], inp["k"]
    rounds = -(-n // (k + 1))  # every round but the last yields k accepted drafts + the bonus token
    return {"accepted": n - rounds, "rejected": 0, "target_calls": rounds, "draft_calls": n - rounds,
            "num_tokens": n}


def expect_path(inp: dict) -> list:
    """Plain greedy decoding of the target, which greedy_inputs computed while checking the logit margins."""
    return list(inp["path"])
