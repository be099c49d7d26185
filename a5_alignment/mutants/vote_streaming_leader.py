"""A streaming vote: the leader changes only when another answer passes it, so a tie goes to the answer that
reached the top count first, not to the earliest seen."""

UNIT = "a5.self_consistency"
TARGET = "majority_vote"


def MUTANT(answers):
    if len(answers) == 0:
        raise ValueError("no answers")
    counts, leader = {}, None
    for a in answers:
        if a is None:
            continue
        counts[a] = counts.get(a, 0) + 1
        if leader is None or counts[a] > counts[leader]:
            leader = a
    return leader
