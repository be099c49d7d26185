"""The models a2 measures: CS336's size table of a1's TransformerLM, and the toy model of the mixed-precision
question. Finished infrastructure: the cases and benchmarks build their models here."""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import Tensor, nn

from a1_basics.nn.transformer import ModelConfig, TransformerLM

# CS336 2025's benchmarking table (vocab 10,000, context 256 by default). Only "tiny" and "small" are practical on
# a 2-core CPU; the rest are there for a GPU.
_BASE = ModelConfig(vocab_size=10_000, context_length=256, d_model=768, num_layers=12, num_heads=12, d_ff=3072)
SIZES: dict[str, ModelConfig] = {
    "tiny": replace(_BASE, d_model=128, num_layers=2, num_heads=4, d_ff=512),
    "small": _BASE,
    "medium": replace(_BASE, d_model=1024, num_layers=24, num_heads=16, d_ff=4096),
    "large": replace(_BASE, d_model=1280, num_layers=36, num_heads=20, d_ff=5120),
    "xl": replace(_BASE, d_model=1600, num_layers=48, num_heads=25, d_ff=6400),
    "2.7B": replace(_BASE, d_model=2560, num_layers=32, num_heads=32, d_ff=10240),
}


def build_lm(size: str, context_length: int | None = None, seed: int = 0) -> TransformerLM:
    """a1's TransformerLM at a named size of SIZES (optionally a shorter context)."""
    if size not in SIZES:
        raise ValueError(f"unknown model size '{size}'; choose one of {', '.join(SIZES)}")
    config = SIZES[size] if context_length is None else replace(SIZES[size], context_length=context_length)
    torch.manual_seed(seed)
    return TransformerLM.from_config(config)


class ToyModel(nn.Module):
    """CS336's mixed-precision toy: fc1 -> ReLU -> LayerNorm -> fc2. Under bf16 autocast fc1's and fc2's outputs
    are bf16 while LayerNorm's output is float32 (autocast runs layer_norm in float32)."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 10, bias=False)
        self.ln = nn.LayerNorm(10)
        self.fc2 = nn.Linear(10, out_features, bias=False)
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.ln(self.relu(self.fc1(x))))
