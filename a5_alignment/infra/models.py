"""The two policies of the experiments (HANDOUT.md §7.1): a tiny TransformerLM trained from scratch with a1's
code on the character tokenizer, and SmolLM2-135M-Instruct loaded from its GGUF into a1's TransformerLM with
a1's BPE tokenizer."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a5_alignment.infra.char_tokenizer import CharTokenizer


def tiny_config(context_length: int = 96, d_model: int = 128, num_layers: int = 4, num_heads: int = 4,
                d_ff: int = 384) -> ModelConfig:
    return ModelConfig(CharTokenizer.vocab_size, context_length, d_model, num_layers, num_heads, d_ff)


def new_tiny_model(config: ModelConfig | None = None, seed: int = 0) -> TransformerLM:
    torch.manual_seed(seed)
    return TransformerLM.from_config(config or tiny_config())


def save_policy(model: TransformerLM, path: str | Path, meta: dict | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(model.config), "state_dict": model.state_dict(), "meta": meta or {}}, path)


def load_tiny(path: str | Path) -> TransformerLM:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no checkpoint (train one: python -m a5_alignment.experiments.sft "
                                f"--preset tiny)")
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = TransformerLM.from_config(ModelConfig(**blob["config"]))
    model.load_state_dict(blob["state_dict"])
    return model


@dataclass
class SmolTokenizer:
    """a1's Tokenizer for SmolLM2 with the pinned pad protocol: pad = eos = <|im_end|> (HANDOUT §7.1)."""

    inner: Any
    eos_token_id: int
    pad_token_id: int

    def encode(self, text: str) -> list[int]:
        return self.inner.encode(text)

    def decode(self, ids: list[int]) -> str:
        return self.inner.decode(list(ids))


CHAT = "<|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n"


def load_smollm2_policy(max_seq_len: int = 512) -> tuple[TransformerLM, SmolTokenizer]:
    from a1_basics.pretrained.gguf_llama import load_smollm2
    from a1_basics.tokenizer.smollm2 import load_smollm2_tokenizer
    from a1_basics.tokenizer.tokenizer import Tokenizer

    vocab, merges, specials, pattern = load_smollm2_tokenizer()
    tok = Tokenizer(vocab, merges, specials, pattern)
    eos = tok.special_ids["<|im_end|>"]
    return load_smollm2(max_seq_len), SmolTokenizer(tok, eos, eos)


def load_policy(name: str, checkpoint: str | None = None) -> tuple[TransformerLM, Any]:
    """("tiny", path) -> the checkpoint with CharTokenizer; ("smollm2", path or None) -> SmolLM2 (optionally
    with fine-tuned weights from path)."""
    if name == "tiny":
        if checkpoint is None:
            raise ValueError("the tiny policy needs a checkpoint (run the SFT experiment first)")
        return load_tiny(checkpoint), CharTokenizer()
    if name == "smollm2":
        model, tok = load_smollm2_policy()
        if checkpoint:
            model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True)["state_dict"])
        return model, tok
    raise ValueError(f"unknown policy {name!r}: use 'tiny' or 'smollm2'")
