"""Cases for a5.self_consistency and a5.best_of_n (HANDOUT §12.1-§12.2): hand-worked lists with the rule each one
exercises, generated lists built to separate the pinned tie rules from the plausible wrong ones (lexicographic,
last seen, first to reach the top count, the last of equal scores, float32 scores), and bad input. The oracles
(a5_alignment/oracles/inference.py) count by brute force."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, exact, hide, raises

ORACLES = Oracles("a5_alignment.oracles.inference")  # expected values: instructor-only, never released

# (answers, the vote, why); the oracle recounts each one and must agree with the vote written here.
VOTE_WORKED: list[tuple[list[str | None], str | None]] = [
    (["12", "7", "12"], "12"),  # a plain majority
    (["7", "12", "12", "7"], "7"),  # 2-2: "7" was seen first
    (["5", "6", "6", "5"], "5"),  # 2-2: "6" reached 2 votes first (index 2), but "5" was seen first
    (["b", "a", "a", "b", "c"], "b"),  # 2-2: earliest seen, not the lexicographically smallest
    ([None, None, None, "3", "4"], "3"),  # None never counts: 1-1 between "3" and "4", "3" first
    ([None, None], None),  # nothing readable: no answer
    (["12", "12.0", "12.0"], "12.0"),  # exact strings: the caller normalises
    (["x"], "x"),
    (["1", "2", "3", "2", "1", "3", "3"], "3"),  # 2-2-3: counts beat order
]


def vote_worked_inputs(rng: np.random.Generator) -> dict:
    return {"lists": [a for a, _ in VOTE_WORKED], "want": [w for _, w in VOTE_WORKED]}


def _tie_rules(answers: list[str | None]) -> dict[str, str | None]:
    """What each tie rule picks among the answers tied at the top: the pinned one and three wrong ones."""
    seen = [a for a in answers if a is not None]
    top = max(seen.count(a) for a in seen)
    tied = [a for a in dict.fromkeys(seen) if seen.count(a) == top]
    reach = {a: [i for i, b in enumerate(seen) if b == a][top - 1] for a in tied}  # index of its top-th vote
    return {"earliest_seen": tied[0], "lexicographic": min(tied), "last_seen": max(tied, key=seen.index),
            "first_to_reach": min(tied, key=reach.__getitem__)}


def tied_list(rng: np.random.Generator, pool: list[str], p_none: float) -> list[str | None]:
    """A list whose top count is shared by 2-3 answers and whose earliest-seen winner differs from what every
    wrong tie rule of _tie_rules picks (redrawn until it does)."""
    while True:
        top = int(rng.integers(2, 5))
        names = [str(x) for x in rng.choice(pool, size=int(rng.integers(3, 6)), replace=False)]
        n_tied = int(rng.integers(2, 4))
        votes = [a for i, a in enumerate(names) for _ in range(top if i < n_tied else int(rng.integers(1, top)))]
        out: list[str | None] = [votes[i] for i in rng.permutation(len(votes))]
        for _ in range(int(rng.binomial(len(out) + 4, p_none))):
            out.insert(int(rng.integers(0, len(out) + 1)), None)
        rules = _tie_rules(out)
        if all(v != rules["earliest_seen"] for k, v in rules.items() if k != "earliest_seen"):
            return out


def vote_tie_inputs(rng: np.random.Generator) -> dict:
    """Eight tied lists over number-like answers (as a parser returns them), a few Nones in each."""
    pool = [str(x) for x in range(-5, 40)]
    return {"lists": [tied_list(rng, pool, 0.15) for _ in range(8)]}


def vote_random_inputs(rng: np.random.Generator) -> dict:
    """Twelve lists of k in [1, 64] answers from a small pool, so plain majorities, ties and all-None lists all
    occur; None is often the most frequent entry."""
    lists = []
    for _ in range(12):
        k = int(rng.integers(1, 65))
        pool = [str(x) for x in rng.choice(100, size=int(rng.integers(1, 6)), replace=False)] + [None]
        p = rng.dirichlet(np.ones(len(pool)))
        lists.append([pool[i] for i in rng.choice(len(pool), size=k, p=p)])
    lists.append([None] * int(rng.integers(1, 9)))
    return {"lists": lists}


def run_votes(impl: Impl, inp: dict) -> Any:
    return [impl.majority_vote(list(a)) for a in inp["lists"]]


def non_str_inputs(rng: np.random.Generator) -> dict:
    """A list of str answers with one int (an unparsed number) among them, where the int would win the vote."""
    n = int(rng.integers(3, 9))
    answers: list = [str(int(rng.integers(0, 5))) for _ in range(n)]
    answers.insert(int(rng.integers(0, n + 1)), 7)
    return {"answers": answers + [7, 7, 7]}


def run_vote_bad(impl: Impl, inp: dict) -> Any:
    return impl.majority_vote(inp["answers"])


# ---- best-of-N ----

# (scores, the pick, why)
BEST_WORKED: list[tuple[list[float], int]] = [
    ([0.1, 0.9, 0.3], 1),
    ([1.0, 0.0, 1.0, 1.0], 0),  # a 0/1 verifier: the first correct sample
    ([0.0, 0.0, 0.0], 0),  # all equal: the first
    ([-np.inf, -2.0, -np.inf], 1),  # -inf is a valid (terrible) score
    ([0.5, np.inf, np.inf], 1),  # +inf ties like any other value
    ([3.0], 0),
    ([1.0, 1.0 + 2.0**-40, 1.0], 1),  # equal in float32 (2^-40 < 2^-24), distinct as given
    ([-1.0, -3.0, -0.5, -0.5], 2),
]


def best_worked_inputs(rng: np.random.Generator) -> dict:
    return {"lists": [np.array(s, dtype=np.float64) for s, _ in BEST_WORKED], "want": [w for _, w in BEST_WORKED]}


def best_random_inputs(rng: np.random.Generator) -> dict:
    """Fourteen score lists of N in [1, 64]: 0/1 verifier scores (ties everywhere), reward-model scores rounded
    to one decimal (ties), and scores whose maximum follows a value 1e-9 below it (one float32 value)."""
    lists = []
    for i in range(14):
        n = int(rng.integers(1, 65))
        kind = i % 3
        if kind == 0:
            s = (rng.random(n) < rng.uniform(0.1, 0.7)).astype(np.float64)
        elif kind == 1:
            s = np.round(rng.normal(0, 1, n), 1)
        else:
            n = max(n, 3)
            s = rng.normal(0, 1, n)
            j = int(rng.integers(1, n))
            s[j] = s.max() + 1.0
            s[int(rng.integers(0, j))] = s[j] - 1e-9
        lists.append(s)
    return {"lists": lists}


def run_best(impl: Impl, inp: dict) -> Any:
    return [int(impl.best_of_n([float(x) for x in s])) for s in inp["lists"]]


def nan_inputs(rng: np.random.Generator) -> dict:
    """Scores with one NaN: at the front, at the end or right after the maximum, at random."""
    s = rng.normal(0, 1, int(rng.integers(3, 20)))
    where = [0, len(s), int(np.argmax(s)) + 1][int(rng.integers(0, 3))]
    return {"scores": np.insert(s, where, np.nan)}


def run_best_bad(impl: Impl, inp: dict) -> Any:
    return impl.best_of_n([float(x) for x in inp["scores"]])


SUITE = Suite(cases=(
    Case(name="self_consistency/worked_examples", inputs=vote_worked_inputs, compare=exact(), run=run_votes,
         expect=ORACLES.expect_votes_worked, seeds=(0,), hidden_draws=0, public=hide("want"),
         note="majorities, 2-2 ties (earliest seen wins), None never counts, exact strings"),
    Case(name="self_consistency/ties", inputs=vote_tie_inputs, compare=exact(), run=run_votes,
         expect=ORACLES.expect_votes, hidden_draws=3,
         note="tied top counts: the earliest-seen answer, not the smallest, the last or the first to reach it"),
    Case(name="self_consistency/random", inputs=vote_random_inputs, compare=exact(), run=run_votes,
         expect=ORACLES.expect_votes, hidden_draws=2,
         note="k in [1, 64] from a small pool with None often the most frequent entry; all-None gives None"),
    Case(name="self_consistency/empty_raises", inputs=lambda rng: {"answers": []}, compare=raises(ValueError),
         run=run_vote_bad, expect=None, seeds=(0,), hidden_draws=0, note="k = 0: ValueError"),
    Case(name="self_consistency/non_str_raises", inputs=non_str_inputs, compare=raises(ValueError),
         run=run_vote_bad, expect=None, seeds=(0,), note="an answer that is neither str nor None: ValueError"),
    Case(name="best_of_n/worked_examples", inputs=best_worked_inputs, compare=exact(), run=run_best,
         expect=ORACLES.expect_best_worked, seeds=(0,), hidden_draws=0, public=hide("want"),
         note="the highest; ties to the lowest index; +-inf valid; scores compared in float64"),
    Case(name="best_of_n/random", inputs=best_random_inputs, compare=exact(), run=run_best,
         expect=ORACLES.expect_best, hidden_draws=3,
         note="0/1 verifier scores, rounded reward-model scores, maxima 1e-9 above an earlier score"),
    Case(name="best_of_n/empty_raises", inputs=lambda rng: {"scores": []}, compare=raises(ValueError),
         run=run_best_bad, expect=None, seeds=(0,), hidden_draws=0, note="N = 0: ValueError"),
    Case(name="best_of_n/nan_raises", inputs=nan_inputs, compare=raises(ValueError), run=run_best_bad,
         expect=None, seeds=(0,), hidden_draws=2, note="a NaN score anywhere (first, last, after the maximum)"),
))
