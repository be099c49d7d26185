"""Response mask aligned with input_ids ([:-1]) instead of labels ([1:]): off by one."""

import torch

UNIT = "a5.tokenize"
TARGET = "tokenize_prompt_and_output"


def MUTANT(prompt_strs, output_strs, tokenizer):
    rows, masks = [], []
    for p, o in zip(prompt_strs, output_strs, strict=False):
        p, o = tokenizer.encode(p), tokenizer.encode(o)
        rows.append(p + o)
        masks.append([False] * len(p) + [True] * len(o))
    n = max(len(r) for r in rows)
    ids = torch.tensor([r + [tokenizer.pad_token_id] * (n - len(r)) for r in rows])
    mask = torch.tensor([m + [False] * (n - len(m)) for m in masks])
    return {"input_ids": ids[:, :-1], "labels": ids[:, 1:], "response_mask": mask[:, :-1]}
