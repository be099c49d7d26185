"""The FlashAttention mutants' helper (instructor-only; it lives here because mutants/ may hold mutants only).

A mutant of a kernel is the reference module with one or two lines changed, so that it stays in step with the
reference: `patched(module, attr, [(old, new, count)])` checks that each `old` occurs exactly `count` times (a
reference edit that moves it fails loudly), writes the changed source to a file (Triton's @jit reads a kernel's
source from its file) and imports it as a fresh module.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def patched(module: str, attr: str, edits: list[tuple[str, str, int]]) -> Any:
    """`attr` of a copy of `module` with each (old, new, count) edit applied."""
    source = inspect.getsource(importlib.import_module(module))
    for old, new, count in edits:
        found = source.count(old)
        if found != count:
            raise ValueError(f"mutant of {module}: expected {count} occurrence(s) of {old!r}, found {found}; "
                             f"update the mutant after a reference edit")
        source = source.replace(old, new)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "lmfs-flash-mutants"
    folder.mkdir(exist_ok=True)
    path = folder / f"m_{digest}.py"
    if not path.exists():
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(source)
        os.replace(scratch, path)  # atomic: parallel checks never read half a file
    name = f"_lmfs_flash_mutant_{digest}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return getattr(sys.modules[name], attr)
