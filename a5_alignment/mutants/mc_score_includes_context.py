"""The score sums the log-probs of the context's tokens too (the harness scores the continuation only)."""

import torch

from a5_alignment.mc_scoring import _logits, encode_pair, score_multiple_choice

UNIT = "a5.mc_loglik"
TARGET = "score_multiple_choice"


def MUTANT(model, tokenizer, context, choices, gold, target_delimiter=" "):
    score_multiple_choice(model, tokenizer, context, choices, gold, target_delimiter)  # its checks on the inputs
    lls = []
    with torch.no_grad():
        for choice in choices:
            ctx, cont = encode_pair(tokenizer, context, target_delimiter + choice)
            ids = ctx + cont
            logp = torch.log_softmax(_logits(model, torch.tensor([ids[:-1]])).double(), dim=-1)[0]
            lls.append(float(logp.gather(-1, torch.tensor(ids[1:])[:, None]).sum()))
    ll = torch.tensor(lls, dtype=torch.float64).numpy()
    lengths = torch.tensor([float(len(c)) for c in choices], dtype=torch.float64).numpy()
    return {"loglikelihoods": ll, "acc": float(int(ll.argmax()) == gold),
            "acc_norm": float(int((ll / lengths).argmax()) == gold)}
