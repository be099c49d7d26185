"""The model reads encode(context + continuation) rather than the harness's context tokens + continuation tokens,
so after a merge across the boundary the scored tokens follow "th", not "t"."""

import torch

from a5_alignment.mc_scoring import _logits, encode_pair, score_multiple_choice

UNIT = "a5.mc_loglik"
TARGET = "score_multiple_choice"


def MUTANT(model, tokenizer, context, choices, gold, target_delimiter=" "):
    out = score_multiple_choice(model, tokenizer, context, choices, gold, target_delimiter)
    lls = []
    with torch.no_grad():
        for choice in choices:
            ctx, cont = encode_pair(tokenizer, context, target_delimiter + choice)
            ids = [tokenizer.eos_token_id] + list(tokenizer.encode(context + target_delimiter + choice)) \
                if context == "" else list(tokenizer.encode(context + target_delimiter + choice))
            logp = torch.log_softmax(_logits(model, torch.tensor([ids[:-1]])).double(), dim=-1)[0]
            lp = logp.gather(-1, torch.tensor(ids[1:])[:, None])[:, 0]
            lls.append(float(lp[-len(cont):].sum()))
    out["loglikelihoods"] = torch.tensor(lls, dtype=torch.float64).numpy()
    return out
