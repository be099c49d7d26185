"""An assignment's module map: api name -> "module:qualname", the only way cases reach code (impl.py).

It is `<package>/api.py`'s API plus each rubric unit's own `api = { name = "module:qualname" }` table, so a new
unit can declare its targets where it is declared. Read from the files (tomllib, no grader import), so the worker
and the grader's process build the same map from the same release files."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path


class ApiMapError(ValueError):
    pass


def rubric_api(rubric_path: Path) -> dict[str, str]:
    """The api tables of a rubric's units; a name two units map to different targets is an error."""
    if not rubric_path.exists():
        return {}
    data = tomllib.loads(rubric_path.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for key, unit in (data.get("unit") or {}).items():
        table = unit.get("api", {})
        if not isinstance(table, dict) or not all(isinstance(v, str) and ":" in v for v in table.values()):
            raise ApiMapError(f'{rubric_path}: [unit."{key}"] api must map names to "module:qualname" strings')
        for name, target in table.items():
            if out.get(name, target) != target:
                raise ApiMapError(f"{rubric_path}: api name '{name}' maps to both {out[name]} and {target}")
            out[name] = target
    return out


def load_api(package: str) -> dict[str, str]:
    """api.py's API (when the package has one) merged with the rubric's unit api tables."""
    pkg = importlib.import_module(package)
    try:
        base = dict(importlib.import_module(f"{package}.api").API)
    except ModuleNotFoundError as e:
        if e.name != f"{package}.api":
            raise
        base = {}
    extra = rubric_api(Path(pkg.__file__).parent / "rubric.toml")
    clash = {n: (base[n], t) for n, t in extra.items() if n in base and base[n] != t}
    if clash:
        raise ApiMapError(f"{package}: api names mapped differently in api.py and rubric.toml: {clash}")
    return {**base, **extra}
