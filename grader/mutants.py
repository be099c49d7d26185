"""Mutants, run in-process on the instructor side (trusted code, no sandbox needed).

- Null mutants, generated per unit target: a function that returns its first argument, zeros like it, or None
  (a no-op, for in-place functions); a class whose `forward` does the same. A case that passes on do-nothing
  code is vacuous.
- Hand-written mutants in `<package>/mutants/*.py`: each module sets UNIT (the unit key), TARGET (the api
  name it replaces) and MUTANT (the replacement), with a docstring saying what bug it plays.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any

from grader.tree import Assignment
from shared.cases import resolve_target

NULL_KINDS = ("identity", "zeros", "none")
PROTOCOL_HOOKS = ("__call__", "__torch_dispatch__", "__torch_function__")


@dataclass(frozen=True)
class Mutant:
    name: str
    unit: str
    target: str
    replacement: Any
    doc: str = ""


def _zeros_like(x: Any) -> Any:
    if type(x).__module__.startswith("torch"):
        import torch

        return torch.zeros_like(x)
    import numpy as np

    return np.zeros_like(x)


def _null_value(kind: str, x: Any) -> Any:
    return {"identity": lambda: x, "zeros": lambda: _zeros_like(x), "none": lambda: None}[kind]()


def null_replacement(obj: Any, kind: str) -> Any:
    """The do-nothing variant of a function or class, or None when a class has no method to null."""
    if isinstance(obj, type):
        # Every public method the class defines (forward for an nn.Module) does nothing; __init__ is kept.
        def method(self: Any, x: Any = None, *args: Any, **kwargs: Any) -> Any:
            return _null_value(kind, x)

        names = {n for n, v in vars(obj).items() if callable(v) and not n.startswith("_")}
        if not names:  # a class that works through a protocol hook only (a TorchDispatchMode, a callable)
            names = {n for n in PROTOCOL_HOOKS if callable(vars(obj).get(n))}
        if not names:
            return None  # nothing to null: the "mutant" would be the reference itself
        overrides = {n: method for n in names}
        if "forward" in names:
            overrides["__call__"] = method
        return type(obj.__name__, (obj,), overrides)

    def fn(*args: Any, **kwargs: Any) -> Any:
        first = args[0] if args else next(iter(kwargs.values()), None)
        return _null_value(kind, first)

    return fn


def null_mutants(a: Assignment) -> list[Mutant]:
    api = a.api()
    out = []
    for unit in a.rubric.units.values():
        for target in unit.targets:
            obj = resolve_target(api[target])
            for kind in NULL_KINDS:
                replacement = null_replacement(obj, kind)
                if replacement is not None:
                    out.append(Mutant(f"null:{target}:{kind}", unit.key, target, replacement))
    return out


def handwritten_mutants(a: Assignment) -> list[Mutant]:
    folder = a.package_dir / "mutants"
    if not (folder / "__init__.py").exists():
        return []
    out = []
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda i: i.name):
        mod = importlib.import_module(f"{a.package}.mutants.{info.name}")
        for attr in ("UNIT", "TARGET", "MUTANT"):
            if not hasattr(mod, attr):
                raise ValueError(f"{folder / info.name}.py: a mutant module must define {attr}")
        if mod.UNIT not in a.rubric.units:
            raise ValueError(f"{folder / info.name}.py: UNIT '{mod.UNIT}' is not a unit of {a.id}")
        out.append(Mutant(info.name, mod.UNIT, mod.TARGET, mod.MUTANT, (mod.__doc__ or "").strip().split("\n")[0]))
    return out
