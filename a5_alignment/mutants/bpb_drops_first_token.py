"""No [eos] in front: the first token is never scored (the model reads tokens[:-1] and predicts tokens[1:])."""

import math

import torch

UNIT = "a5.bits_per_byte"
TARGET = "text_bits_per_byte"


def MUTANT(model, tokenizer, text):
    ids = list(tokenizer.encode(text))
    with torch.no_grad():
        out = model(torch.tensor([ids[:-1]]))
        logits = out.logits if hasattr(out, "logits") else out
        logp = torch.log_softmax(logits[0].double(), dim=-1)
    nll = -float(logp.gather(-1, torch.tensor(ids[1:])[:, None]).sum()) if len(ids) > 1 else 0.0
    n_bytes = len(text.encode("utf-8"))
    return {"nll_nats": nll, "num_tokens": len(ids), "num_bytes": n_bytes,
            "bits_per_byte": nll / (math.log(2) * n_bytes), "perplexity": math.exp(nll / len(ids))}
