"""SFT packing (HANDOUT.md §3.2): instruction/response documents formatted with the pinned template
(DPO_PROMPT_TEMPLATE of §5.1), each followed by one EOS id, concatenated into one stream and cut into
fixed-length examples, so no compute is spent on padding. The CS336 adapters `get_packed_sft_dataset` and
`run_iterate_batches` wrap these.

Input: a jsonl file of {"prompt": ..., "response": ...} lines. Item i of the dataset is
{"input_ids": stream[i*L : (i+1)*L], "labels": stream[i*L + 1 : (i+1)*L + 1]} (int64, length L = seq_length);
the tail that does not fill a whole example is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from a5_alignment.dpo import DPO_PROMPT_TEMPLATE


class PackedSFTDataset(torch.utils.data.Dataset):
    def __init__(self, tokenizer: Any, dataset_path: str | Path, seq_length: int, shuffle: bool,
                 seed: int = 0) -> None:
        if seq_length < 1:
            raise ValueError(f"seq_length must be positive, got {seq_length}")
        eos = getattr(tokenizer, "eos_token_id", None)
        if eos is None:
            raise ValueError("packing needs tokenizer.eos_token_id (one EOS ends each document)")
        docs = []
        for n, line in enumerate(Path(dataset_path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "prompt" not in row or "response" not in row:
                raise ValueError(f"{dataset_path}:{n}: each line needs 'prompt' and 'response'")
            docs.append(row)
        if shuffle:  # documents are shuffled before packing, so examples mix documents differently per seed
            docs = [docs[i] for i in np.random.default_rng(seed).permutation(len(docs))]
        stream: list[int] = []
        for d in docs:
            stream += list(tokenizer.encode(DPO_PROMPT_TEMPLATE.format(prompt=d["prompt"]) + d["response"]))
            stream.append(int(eos))
        self.tokens = torch.tensor(stream, dtype=torch.long)
        self.seq_length = seq_length

    def __len__(self) -> int:
        return max(0, (len(self.tokens) - 1) // self.seq_length)

    def __getitem__(self, i: int) -> dict[str, Tensor]:
        if not 0 <= i < len(self):
            raise IndexError(f"index {i} out of range for {len(self)} packed examples")
        s = i * self.seq_length
        return {"input_ids": self.tokens[s:s + self.seq_length], "labels": self.tokens[s + 1:s + self.seq_length + 1]}


def iterate_batches(dataset: torch.utils.data.Dataset, batch_size: int, shuffle: bool,
                    seed: int = 0) -> Iterator[dict[str, Tensor]]:
    """Batches of stacked items (the last one may be smaller), in order or shuffled."""
    n = len(dataset)  # type: ignore[arg-type]
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for s in range(0, n, batch_size):
        items = [dataset[int(i)] for i in order[s:s + batch_size]]
        yield {k: torch.stack([it[k] for it in items]) for k in items[0]}
