"""acc_norm divides by the number of continuation tokens, not by the choice's length in characters."""

import numpy as np

from a5_alignment.mc_scoring import encode_pair, score_multiple_choice

UNIT = "a5.mc_loglik"
TARGET = "score_multiple_choice"


def MUTANT(model, tokenizer, context, choices, gold, target_delimiter=" "):
    out = score_multiple_choice(model, tokenizer, context, choices, gold, target_delimiter)
    n_tokens = np.array([len(encode_pair(tokenizer, context, target_delimiter + c)[1]) for c in choices], float)
    out["acc_norm"] = float(int((out["loglikelihoods"] / n_tokens).argmax()) == gold)
    return out
