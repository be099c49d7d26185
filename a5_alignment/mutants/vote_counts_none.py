"""None (an unreadable answer) takes part in the vote: it wins whenever it is the most frequent entry."""

from collections import Counter

UNIT = "a5.self_consistency"
TARGET = "majority_vote"


def MUTANT(answers):
    if len(answers) == 0:
        raise ValueError("no answers")
    return Counter(answers).most_common(1)[0][0]
