"""Saving and loading a BPE vocabulary and merge list (finished code: students use it, do not write it).

Tokens are arbitrary bytes (a token may be half of a UTF-8 character), so files store them as hex:

- vocab file: JSON object {"<id>": "<hex bytes>", ...}, e.g. {"0": "00", "256": "3c7c656e646f66746578747c3e"}
- merges file: UTF-8 text, one merge per line in creation order, "<hex left> <hex right>", e.g. "20 74" for
  (b" ", b"t"); lines starting with "#" are comments.

Hex needs no escaping, never contains a space, and round-trips every byte string exactly (GPT-2's own files
remap bytes to printable characters instead; gpt2.py reads those).
"""

from __future__ import annotations

import json
from pathlib import Path

MERGES_HEADER = "# lmfs BPE merges v1: one merge per line, '<hex left> <hex right>', in creation order\n"


def save_vocab_merges(vocab: dict[int, bytes], merges: list[tuple[bytes, bytes]], vocab_path: str | Path,
                      merges_path: str | Path) -> None:
    """Write `vocab` (id -> bytes) and `merges` ((left, right) in creation order) to the two files."""
    data = {str(i): vocab[i].hex() for i in sorted(vocab)}
    Path(vocab_path).write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    lines = [f"{a.hex()} {b.hex()}\n" for a, b in merges]
    Path(merges_path).write_text(MERGES_HEADER + "".join(lines), encoding="utf-8")


def load_vocab_merges(vocab_path: str | Path, merges_path: str | Path) -> tuple[dict[int, bytes],
                                                                                list[tuple[bytes, bytes]]]:
    """Read the files written by `save_vocab_merges` back into (vocab, merges)."""
    raw = json.loads(Path(vocab_path).read_text(encoding="utf-8"))
    vocab = {int(i): bytes.fromhex(h) for i, h in raw.items()}
    merges = []
    for n, line in enumerate(Path(merges_path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{merges_path}:{n}: expected '<hex left> <hex right>', got {line!r}")
        merges.append((bytes.fromhex(parts[0]), bytes.fromhex(parts[1])))
    return vocab, merges
