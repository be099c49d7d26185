"""Compare lines with their line ending: a file's last line without "\\n" never matches the same line
elsewhere, so it is wrongly kept."""

from collections import Counter
from pathlib import Path

UNIT = "a4.exact_dedup"
TARGET = "exact_line_deduplication"


def MUTANT(input_files: list, output_directory: str) -> list[Path]:
    texts = {Path(p): Path(p).read_text(encoding="utf-8") for p in input_files}
    counts = Counter(line for t in texts.values() for line in t.splitlines(keepends=True))
    out_dir = Path(output_directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    for p, t in texts.items():
        (out_dir / p.name).write_text("".join(x for x in t.splitlines(keepends=True) if counts[x] == 1),
                                      encoding="utf-8")
    return [out_dir / p.name for p in texts]
