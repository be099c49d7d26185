"""Prompt/response tokenisation for SFT, GRPO and DPO: one row per (prompt, response) pair, right-padded, with a
mask over the response tokens (HANDOUT.md §2.1).

Tokenizer protocol (pinned): an object with `encode(text) -> list[int]` and an integer `pad_token_id`. The
prompt and the response are encoded *separately* and concatenated, so the boundary between them is exact even
where a BPE merge could have crossed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor


def tokenize_prompt_and_output(prompt_strs: Sequence[str], output_strs: Sequence[str],
                               tokenizer: Any) -> dict[str, Tensor]:
    """Encodes each prompt and each output separately, concatenates them, and right-pads every row to the
    longest concatenation L with `tokenizer.pad_token_id`.

    Returns a dict of three (batch, L - 1) tensors: `input_ids` (int64, the rows without their last token),
    `labels` (int64, the rows without their first token: the next-token targets) and `response_mask` (bool,
    True exactly where the label is a response token, never on the prompt or on padding). Raises ValueError
    when the two lists differ in length or are empty, or when the tokenizer has no pad_token_id.
    Naive equivalent: build each row as a Python list, pad, then slice [:-1] and [1:].
    """
    # BEGIN SOLUTION
    if len(prompt_strs) != len(output_strs) or not prompt_strs:
        raise ValueError(f"tokenize_prompt_and_output needs as many prompts as outputs (and at least one); got "
                         f"{len(prompt_strs)} prompts and {len(output_strs)} outputs")
    pad = getattr(tokenizer, "pad_token_id", None)
    if pad is None:
        raise ValueError("tokenize_prompt_and_output: the tokenizer has no pad_token_id; set one (HANDOUT §2.1: "
                         "pad with the EOS id when the tokenizer has no pad token)")
    rows, masks = [], []
    for prompt, output in zip(prompt_strs, output_strs, strict=True):
        p, o = list(tokenizer.encode(prompt)), list(tokenizer.encode(output))
        rows.append(p + o)
        masks.append([False] * len(p) + [True] * len(o))
    length = max(len(r) for r in rows)
    ids = torch.full((len(rows), length), int(pad), dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.bool)
    for i, (r, m) in enumerate(zip(rows, masks, strict=True)):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, :len(m)] = torch.tensor(m, dtype=torch.bool)
    # subtle: the mask follows the labels (shifted by one), since a label is what the model is scored on.
    return {"input_ids": ids[:, :-1], "labels": ids[:, 1:], "response_mask": mask[:, 1:]}
    # END SOLUTION
