"""`>=` in the running maximum: among tied answers the one seen last wins."""

UNIT = "a5.self_consistency"
TARGET = "majority_vote"


def MUTANT(answers):
    if len(answers) == 0:
        raise ValueError("no answers")
    counts = {}
    for a in answers:
        if a is not None:
            counts[a] = counts.get(a, 0) + 1
    best, best_n = None, 0
    for a, n in counts.items():
        if n >= best_n:
            best, best_n = a, n
    return best
