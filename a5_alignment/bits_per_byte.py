"""Bits per byte and perplexity of a model on held-out text (HANDOUT.md §11.4). Bits per byte divides the text's
negative log-likelihood by its size in UTF-8 bytes, a unit every tokenizer shares, so models with different
vocabularies can be compared; perplexity per token cannot."""

from __future__ import annotations

import math
from typing import Any

import torch


def text_bits_per_byte(model: Any, tokenizer: Any, text: str) -> dict[str, float]:
    """{"nll_nats", "num_tokens", "num_bytes", "bits_per_byte", "perplexity"} of `text` under `model`.

    - tokens = tokenizer.encode(text); the model reads [eos_token_id] + tokens[:-1] in ONE forward pass and
      every token is scored (the first one given the eos, as the harness's rolling log-likelihood does);
    - nll_nats = -sum of log p(token_t | before it) in nats; num_bytes = len(text.encode("utf-8"));
    - bits_per_byte = nll_nats / (ln 2 * num_bytes); perplexity = exp(nll_nats / num_tokens) (per token).
    The model returns logits (1, seq, vocab) or an object with .logits. Empty text is a ValueError.
    """
    # BEGIN SOLUTION
    if not isinstance(text, str) or text == "":
        raise ValueError("text_bits_per_byte: the text must be a non-empty str")
    ids = list(tokenizer.encode(text))
    if not ids:
        raise ValueError("text_bits_per_byte: the tokenizer gave no token for the text")
    inputs = torch.tensor([[tokenizer.eos_token_id] + ids[:-1]])
    with torch.no_grad():
        out = model(inputs)
        logits = out.logits if hasattr(out, "logits") else out
        logp = torch.log_softmax(logits[0].double(), dim=-1)
    nll = -float(logp.gather(-1, torch.tensor(ids)[:, None]).sum())
    n_bytes = len(text.encode("utf-8"))
    return {"nll_nats": nll, "num_tokens": len(ids), "num_bytes": n_bytes,
            "bits_per_byte": nll / (math.log(2) * n_bytes), "perplexity": math.exp(nll / len(ids))}
    # END SOLUTION
