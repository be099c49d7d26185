"""Turning (prompt, response) pairs into the log-probs that the losses need, in microbatches."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from a5_alignment.log_probs import get_response_log_probs
from a5_alignment.tokenization import tokenize_prompt_and_output


def response_log_probs(model: Any, tokenizer: Any, prompts: list[str], responses: list[str],
                       with_grad: bool = True) -> tuple[Tensor, Tensor]:
    """(log_probs (b, T), response_mask (b, T)) for the given pairs."""
    batch = tokenize_prompt_and_output(prompts, responses, tokenizer)
    device = next(model.parameters()).device
    with torch.set_grad_enabled(with_grad):
        lp = get_response_log_probs(model, batch["input_ids"].to(device), batch["labels"].to(device))["log_probs"]
    return lp, batch["response_mask"].to(device)


def chunks(n: int, size: int) -> list[slice]:
    return [slice(s, min(n, s + size)) for s in range(0, n, size)]
