"""The two policies of the experiments (HANDOUT.md §7.1): a tiny TransformerLM trained from scratch with a1's
code on the character tokenizer, and SmolLM2-135M-Instruct loaded from its GGUF into a1's TransformerLM with
a1's BPE tokenizer. The report card (§11.6) also reads a third kind of model: a checkpoint written by a1's own
training run (`python -m a1_basics.train`), with that run's BPE tokenizer."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
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
    """a1's Tokenizer with the pinned pad protocol pad = eos: <|im_end|> for SmolLM2 (HANDOUT §7.1),
    <|endoftext|> for an a1 run."""

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


A1_EOT = "<|endoftext|>"  # a1's document separator (a1_basics/prepare_data.py)


@dataclass
class A1Run:
    """What an a1 training run left behind, as the report card describes it."""

    checkpoint: str
    tokenizer_dir: str
    iteration: int
    source: str  # the text it was trained on (the data folder's meta.json), or "unknown"


def load_a1_policy(checkpoint: str | Path, tokenizer_dir: str | Path | None = None) -> tuple[TransformerLM,
                                                                                           SmolTokenizer, A1Run]:
    """A checkpoint as a1's training writes it (out_dir/checkpoint.pt: {"model", "optimizer", "iteration"}, beside
    out_dir/config.json, the run's TrainConfig), with its BPE tokenizer: tokenizer_dir/{vocab.json, merges.txt}
    (default: the run's data_dir/tokenizer, written by a1's prepare_data)."""
    from a1_basics.checkpoint import load_checkpoint
    from a1_basics.optim.adamw import AdamW
    from a1_basics.tokenizer.serialization import load_vocab_merges
    from a1_basics.tokenizer.tokenizer import Tokenizer
    from a1_basics.train import TrainConfig

    path = Path(checkpoint)
    train_it = "train one: python -m a1_basics.prepare_data && python -m a1_basics.train --preset tiny"
    if not str(checkpoint):
        raise ValueError(f"--policy a1 needs --checkpoint PATH, an a1 run's checkpoint.pt ({train_it})")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no a1 checkpoint ({train_it}; it writes out/a1-train/checkpoint.pt)")
    config_path = path.parent / "config.json"
    if not config_path.is_file():
        raise FileNotFoundError(f"{config_path} not found: a1's train writes the run's config beside "
                                f"checkpoint.pt; keep the run folder together (the model's shape is read from it)")
    saved = json.loads(config_path.read_text())
    names = {f.name for f in fields(TrainConfig)}
    run = TrainConfig(**{k: v for k, v in saved.items() if k in names})
    model = TransformerLM.from_config(run.model_config())
    try:
        iteration = load_checkpoint(path, model, AdamW(model.parameters()))
    except RuntimeError as e:  # load_state_dict: the weights have another shape than config.json says
        raise ValueError(f"{path}: the weights do not fit the model of {config_path} ({run.model_config()}): "
                         f"was the checkpoint copied from another run? ({str(e).splitlines()[0]})") from e
    # subtle: data_dir is relative to where the run was started, as a1's train resolves it
    data_dir = Path(run.data_dir)
    tok_dir = Path(tokenizer_dir) if tokenizer_dir else data_dir / "tokenizer"
    vocab_path, merges_path = tok_dir / "vocab.json", tok_dir / "merges.txt"
    if not (vocab_path.is_file() and merges_path.is_file()):
        raise FileNotFoundError(f"{tok_dir}: no a1 tokenizer (vocab.json and merges.txt, written by "
                                f"a1_basics.prepare_data into its --out folder's tokenizer/); pass --tokenizer with "
                                f"the tokenizer/ folder of the data this model was trained on")
    vocab, merges = load_vocab_merges(vocab_path, merges_path)
    size = len(vocab) + (A1_EOT.encode() not in set(vocab.values()))
    if size != model.config.vocab_size:
        raise ValueError(f"{tok_dir}: the tokenizer has {size} tokens but the model of {path} has vocab_size "
                         f"{model.config.vocab_size}: pass --tokenizer with the tokenizer/ folder of the data "
                         f"this model was trained on")
    tok = Tokenizer(vocab, merges, [A1_EOT])
    eos = tok.encode(A1_EOT)[0]
    meta = tok_dir.parent / "meta.json"  # the data folder prepare_data wrote
    source = json.loads(meta.read_text()).get("source", "unknown") if meta.is_file() else "unknown"
    return model, SmolTokenizer(tok, eos, eos), A1Run(str(path), str(tok_dir), iteration, source)


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
