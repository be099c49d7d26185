"""A cases package's SUITE from its modules: every submodule that defines SUITE, summed. A new case file is
found without editing the package's __init__; `first` keeps the course order of the modules it names (the order
reports list cases in), and the others follow by name."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from shared.cases.case import Suite
from shared.cases.units import assign_units


def collect(package: str, first: tuple[str, ...] = ()) -> Suite:
    pkg = importlib.import_module(package)
    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    unknown = [n for n in first if n not in names]
    if unknown:
        raise ImportError(f"{package}: no case module {unknown} (found {names})")
    suite = Suite()
    for name in [*first, *(n for n in names if n not in first)]:
        module = importlib.import_module(f"{package}.{name}")
        part = getattr(module, "SUITE", None)
        if part is None:
            continue  # a helper module (tables, tensors): no cases of its own
        if not isinstance(part, Suite):
            raise TypeError(f"{package}.{name}.SUITE is a {type(part).__name__}, not a shared.cases.Suite")
        suite = suite + part
    # the package is <assignment>/cases or <assignment>/hidden: the rubric beside them names each case's unit
    return assign_units(suite, Path(pkg.__file__).parent.parent / "rubric.toml")
