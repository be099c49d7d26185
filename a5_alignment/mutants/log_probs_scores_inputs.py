"""get_response_log_probs scoring input_ids instead of labels (off by one position)."""

import torch

UNIT = "a5.response_log_probs"
TARGET = "get_response_log_probs"


def MUTANT(model, input_ids, labels, return_token_entropy=False):
    out = model(input_ids)
    logits = out.logits if hasattr(out, "logits") else out
    lsm = torch.log_softmax(logits, -1)
    res = {"log_probs": lsm.gather(-1, input_ids[..., None]).squeeze(-1)}
    if return_token_entropy:
        res["token_entropy"] = -(lsm.exp() * lsm).sum(-1)
    return res
