"""Cases for a5.group_rewards (numpy with ddof=1, a worked example, a constant group) and a5.r1_zero_reward
(worked examples of the format and the verifier: numbers, fractions, expressions). The oracles are in
a5_alignment/oracles/rewards.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, hide, raises

ORACLES = Oracles("a5_alignment.oracles.rewards")  # expected values: instructor-only, never released

# (r - mean) / std is ill-conditioned in a group whose rewards nearly coincide: the float32 rounding of rewards
# |r| <= 2 moves r - mean by ~eps * 2, so A by ~eps * 2 / std (measured: error * std <= 3.1e-7 over 10k draws),
# and a group of std 0.01 reached margin 0.9 and failed 1e-5 on 4 draws in 10k. Real-valued groups that are
# normalised are redrawn until their sample std is >= 0.2, which bounds the error by 3.1e-7 / 0.2 ~ 1.6e-6 against
# a tolerance >= 1e-5 (binary groups have std 0, where A = 0 exactly, or std >= 0.5).
MIN_GROUP_STD = 0.2


def group_inputs(binary: bool, normalize: bool) -> Any:
    def make(rng: np.random.Generator) -> dict:
        g, n_prompts = int(rng.integers(2, 6)), int(rng.integers(1, 4))
        n = g * n_prompts
        rewards = rng.integers(0, 2, size=n).astype(float) if binary else rng.uniform(-1, 2, size=n)
        if normalize and not binary:
            for i in range(0, n, g):
                while rewards[i:i + g].std(ddof=1) < MIN_GROUP_STD:
                    rewards[i:i + g] = rng.uniform(-1, 2, size=g)
        # eps large enough that adding it to the std differs from adding it to the variance on every draw (the
        # worked example covers 1e-6)
        return {"rewards": [float(r) for r in rewards], "group_size": g, "eps": float(rng.choice([0.01, 0.1, 0.3])),
                "normalize": normalize}

    return make


def run_group(impl: Impl, inp: dict) -> Any:
    table = {f"response {i}": r for i, r in enumerate(inp["rewards"])}

    def reward_fn(response: str, truth: str) -> dict[str, float]:
        return {"reward": table[response], "format_reward": 1.0, "answer_reward": table[response]}

    responses = list(table)
    adv, raw, _ = impl.compute_group_normalized_rewards(reward_fn, responses, ["gt"] * len(responses),
                                                        inp["group_size"], inp["eps"], inp["normalize"])
    return {"advantages": adv, "raw_rewards": raw}


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"rewards": [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0], "group_size": 4, "eps": 1e-6, "normalize": True}


def run_bad_group(impl: Impl, inp: dict) -> Any:
    def reward_fn(r: str, t: str) -> dict[str, float]:
        return {"reward": 1.0}

    return impl.compute_group_normalized_rewards(reward_fn, ["a", "b", "c"], ["x"] * 3, 2, 1e-6, True)


# (response, ground truth, expected (format, answer, reward)): each worked out from the rules in the handout
R1_EXAMPLES: list[tuple[str, str, tuple[float, float, float]]] = [
    ("3 + 4 = 7 </think> <answer> 7 </answer>", "7", (1.0, 1.0, 1.0)),
    ("3 + 4 = 7 </think> <answer> 8 </answer>", "7", (1.0, 0.0, 0.0)),
    ("3 + 4 = 7 </think><answer> 7 </answer>", "7", (0.0, 0.0, 0.0)),  # no space: not the format
    ("3 + 4 = 7 </think> <answer> 7", "7", (0.0, 0.0, 0.0)),  # never closed
    ("<answer> 7 </answer>", "7", (0.0, 0.0, 0.0)),  # no </think>
    ("half </think> <answer>1/2</answer>", "0.5", (1.0, 1.0, 1.0)),
    ("x </think> <answer>\\frac{3}{4}</answer>", "0.75", (1.0, 1.0, 1.0)),
    ("x </think> <answer>1,234</answer>", "1234", (1.0, 1.0, 1.0)),
    ("x </think> <answer>2*(3+4)</answer>", "14", (1.0, 1.0, 1.0)),
    ("x </think> <answer>-5</answer>", "5", (1.0, 0.0, 0.0)),
    ("x </think> <answer>12.50</answer>", "25/2", (1.0, 1.0, 1.0)),
    ("x </think> <answer>9**9**9**9</answer>", "1", (1.0, 0.0, 0.0)),  # rejected fast by the time limit
    ("x </think> <answer>  Paris. </answer>", "paris", (1.0, 1.0, 1.0)),
    ("x </think> <answer>Lyon</answer>", "Paris", (1.0, 0.0, 0.0)),
]


def r1_worked_inputs(rng: np.random.Generator) -> dict:
    return {"responses": [e[0] for e in R1_EXAMPLES], "truths": [e[1] for e in R1_EXAMPLES],
            "want": [list(e[2]) for e in R1_EXAMPLES]}


def _r1_item(kind: str, rng: np.random.Generator) -> tuple[str, str, list[float]]:
    """One generated response of a kind, with its reward worked out from the handout's rules as it is built."""
    a, b = (int(x) for x in rng.integers(2, 500, size=2))
    s, think = a + b, f"{a} + {b} = {a + b}"
    if kind == "right":
        return f"{think} </think> <answer> {s} </answer>", str(s), [1.0, 1.0, 1.0]
    if kind == "wrong":
        return f"{think} </think> <answer> {s + int(rng.integers(1, 9))} </answer>", str(s), [1.0, 0.0, 0.0]
    if kind == "negated":  # a sign is part of the value
        return f"{think} </think> <answer>-{s}</answer>", str(s), [1.0, 0.0, 0.0]
    if kind == "no_space":  # the format is "</think> <answer>" with one space
        return f"{think} </think><answer> {s} </answer>", str(s), [0.0, 0.0, 0.0]
    if kind == "unclosed":  # never closed: not formatted, even with the right value
        return f"{think} </think> <answer> {s}", str(s), [0.0, 0.0, 0.0]
    if kind == "no_think":
        return f"<answer> {s} </answer>", str(s), [0.0, 0.0, 0.0]
    if kind == "fraction":  # p/q against its finite decimal: equal as values, not as strings
        q = int(rng.choice((2, 4, 5, 8, 20)))
        p = int(rng.integers(1, 10 * q))
        return f"x </think> <answer>{p}/{q}</answer>", repr(p / q), [1.0, 1.0, 1.0]
    if kind == "thousands":
        n = int(rng.integers(1000, 10**6))
        return f"x </think> <answer>{n:,}</answer>", str(n), [1.0, 1.0, 1.0]
    if kind == "expression":
        c = int(rng.integers(2, 20))
        return f"x </think> <answer>{c}*({a}+{b})</answer>", str(c * s), [1.0, 1.0, 1.0]
    raise ValueError(kind)


R1_FORMAT_FAULTS = ("no_space", "unclosed", "no_think")
R1_VALUE_FORMS = ("fraction", "thousands", "expression")  # equal as values, never as strings
R1_KINDS = ("right", "wrong", "negated", *R1_VALUE_FORMS, *R1_FORMAT_FAULTS)


def r1_inputs(rng: np.random.Generator) -> dict:
    """24 fresh responses: every format fault and every value form once (so each way of misreading the rules is
    met by every draw) and 18 more of any kind, shuffled. The answer is a sequence of reward triples, so it must
    be long for no visible draw's sequence to fit a hidden one (with 8, a fresh secret's draw once did)."""
    kinds = [*R1_FORMAT_FAULTS, *R1_VALUE_FORMS, *(str(k) for k in rng.choice(R1_KINDS, size=18))]
    items = [_r1_item(kinds[i], rng) for i in rng.permutation(len(kinds))]
    return {"responses": [i[0] for i in items], "truths": [i[1] for i in items], "want": [i[2] for i in items]}


def run_r1(impl: Impl, inp: dict) -> Any:
    out = []
    for r, t in zip(inp["responses"], inp["truths"], strict=True):
        d = impl.r1_zero_reward_fn(r, t)
        out.append([float(d["format_reward"]), float(d["answer_reward"]), float(d["reward"])])
    return out


SUITE = Suite(cases=(
    Case(name="group_rewards/worked_example", inputs=worked_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_group, expect=ORACLES.expect_worked, seeds=(0,), hidden_draws=0,
         note="rewards [1,0,0,1 | 0,0,0,0], G=4: A = +-0.866 (unbiased std), a constant group gives 0"),
    *(Case(name=f"group_rewards/{name}", inputs=group_inputs(binary, norm),
           compare=close(rtol=1e-5, atol=1e-5), run=run_group, expect=ORACLES.expect_group, hidden_draws=2, note=note)
      for name, binary, norm, note in (
          ("binary_std", True, True, "0/1 rewards, normalize_by_std: (r - mean) / (std_unbiased + eps)"),
          ("real_std", False, True, "real rewards, normalize_by_std"),
          ("real_no_std", False, False, "normalize_by_std=False: r - group mean only"))),
    Case(name="group_rewards/not_a_multiple_raises", inputs=lambda rng: {}, compare=raises(ValueError),
         run=run_bad_group, expect=None, seeds=(0,), hidden_draws=0, note="3 responses with group_size 2: ValueError"),
    Case(name="r1_reward/worked_examples", inputs=r1_worked_inputs, compare=close(), run=run_r1,
         expect=ORACLES.expect_want, seeds=(0,), hidden_draws=0,
         note="the handout's examples, including a 9**9**9**9 answer rejected by the time limit"),
    Case(name="r1_reward/generated", inputs=r1_inputs, compare=close(), run=run_r1, public=hide("want"),
         expect=ORACLES.expect_want, seeds=(0, 1, 2), hidden_draws=2,
         note="format needs '</think> <answer>' and '</answer>'; answers checked as values"),
))
