"""Exact line deduplication across files (HANDOUT.md §7.1)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def exact_line_deduplication(input_files: Sequence[str | Path], output_directory: str | Path) -> list[Path]:
    """Rewrite each input file into `output_directory` (same file name) keeping only the lines that occur
    exactly once across all input files. Returns the written paths in input order.

    A line is compared without its line ending ("\\n"), and written back with the ending it had. Lines are
    counted by a hash of their UTF-8 bytes (so memory is per distinct line, not per byte). A line repeated
    within one file counts as repeated. Files are read and written as UTF-8; two inputs with the same file
    name raise ValueError (their outputs would collide).
    """
    # BEGIN SOLUTION
    paths = [Path(p) for p in input_files]
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise ValueError("exact_line_deduplication: two input files share a file name; their outputs in "
                         "output_directory would overwrite each other (rename them)")
    counts: Counter[bytes] = Counter()
    for p in paths:
        with p.open(encoding="utf-8", newline="") as f:
            for line in f:
                counts[_key(line)] += 1
    out_dir = Path(output_directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for p in paths:
        target = out_dir / p.name
        with p.open(encoding="utf-8", newline="") as f, target.open("w", encoding="utf-8", newline="") as out:
            for line in f:
                if counts[_key(line)] == 1:
                    out.write(line)
        written.append(target)
    return written
    # END SOLUTION


# BEGIN SOLUTION ONLY
def _key(line: str) -> bytes:
    return hashlib.blake2b(line.rstrip("\n").encode("utf-8"), digest_size=16).digest()
# END SOLUTION ONLY
