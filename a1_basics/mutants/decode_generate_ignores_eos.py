"""generate() that never checks eos_id and always produces max_new_tokens tokens.

Samples then run on past the end of a story into a new, unrelated one.
"""

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from a1_basics.decoding import sample_next_token

UNIT = "a1.decoding"
TARGET = "generate"


@torch.no_grad()
def MUTANT(model: nn.Module, prompt_ids: Sequence[int] | Tensor, max_new_tokens: int, temperature: float = 1.0,
           top_p: float = 1.0, eos_id: int | None = None, use_kv_cache: bool = True,
           generator: torch.Generator | None = None) -> list[int]:
    ids = list(prompt_ids)
    new: list[int] = []
    for _ in range(min(max_new_tokens, model.config.context_length - len(ids))):
        logits = model(torch.tensor([ids + new]))
        new.append(int(sample_next_token(logits[0, -1], temperature, top_p, generator)))
    return new
