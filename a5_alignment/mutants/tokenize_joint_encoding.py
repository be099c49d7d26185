"""Encodes prompt + output as one string and splits at len(encode(prompt)): a merge across the boundary
moves it."""

import torch

UNIT = "a5.tokenize"
TARGET = "tokenize_prompt_and_output"


def MUTANT(prompt_strs, output_strs, tokenizer):
    rows, masks = [], []
    for p, o in zip(prompt_strs, output_strs, strict=False):
        full, n_p = tokenizer.encode(p + o), len(tokenizer.encode(p))
        rows.append(full)
        masks.append([False] * n_p + [True] * (len(full) - n_p))
    n = max(len(r) for r in rows)
    ids = torch.tensor([r + [tokenizer.pad_token_id] * (n - len(r)) for r in rows])
    mask = torch.tensor([m + [False] * (n - len(m)) for m in masks])
    return {"input_ids": ids[:, :-1], "labels": ids[:, 1:], "response_mask": mask[:, 1:]}
