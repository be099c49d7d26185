"""Keep the first occurrence of every line (ordinary deduplication) instead of dropping every repeated line."""

from pathlib import Path

UNIT = "a4.exact_dedup"
TARGET = "exact_line_deduplication"


def MUTANT(input_files: list, output_directory: str) -> list[Path]:
    seen: set[str] = set()
    out_dir = Path(output_directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for p in map(Path, input_files):
        kept = []
        for line in p.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.rstrip("\n") not in seen:
                seen.add(line.rstrip("\n"))
                kept.append(line)
        (out_dir / p.name).write_text("".join(kept), encoding="utf-8")
        written.append(out_dir / p.name)
    return written
