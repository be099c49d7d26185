"""A case definition's fingerprint: what its stored inputs were generated from, as text, never as floats.

Stored inputs are data (grader/store.py), so nothing is regenerated to check them. What can go stale is the
definition: an edited generator, other arguments to a factory, another seed. The fingerprint hashes exactly
that: the source of the `inputs` callable and of every function of the project it reaches through its globals,
closure cells and defaults, the values of plain constants it reads, and the seed. Source text and `repr` of
ints and strings are the same on every CPU and Python version; floats in constants are hashed through
`float.hex`, which is exact.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import types
from typing import Any

import numpy as np

# Modules whose functions are part of a case's definition; anything else (numpy, torch) is a dependency by name.
PROJECT_PREFIXES = ("a1_basics", "a2_systems", "a3_scaling", "a4_data", "a5_alignment", "shared", "grader",
                    "fixture_pkg")
MAX_DEPTH = 12


_DEFINITIONS: dict[int, tuple[Any, Any]] = {}  # id(inputs) -> (inputs, hash state): one walk per definition


def fingerprint(inputs: Any, seed: int | None) -> str:
    cached = _DEFINITIONS.get(id(inputs))
    if cached is None or cached[0] is not inputs:
        h = hashlib.sha256()
        _feed(h, inputs, set(), 0)
        cached = _DEFINITIONS[id(inputs)] = (inputs, h)  # holding `inputs` keeps its id unique
    h = cached[1].copy()
    h.update(f"\x00seed={seed}".encode())
    return h.hexdigest()[:20]


def _is_project(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in PROJECT_PREFIXES or module == "__main__"


def _source(fn: types.FunctionType) -> str:
    try:
        return inspect.getsource(fn).replace("\r\n", "\n")
    except (OSError, TypeError):
        return fn.__code__.co_name  # no source (a REPL definition): the name at least


def _code_names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _code_names(const)
    return names


def _feed(h: Any, obj: Any, seen: set[int], depth: int) -> None:
    if depth > MAX_DEPTH:
        h.update(b"<deep>")
        return
    if obj is None or isinstance(obj, (bool, int, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, float):
        h.update(f"float:{obj.hex()};".encode())
    elif isinstance(obj, np.ndarray):
        h.update(f"array:{obj.dtype.str}:{obj.shape}:".encode() + hashlib.sha256(obj.tobytes()).digest())
    elif isinstance(obj, np.generic):
        _feed(h, obj.item(), seen, depth)
    elif isinstance(obj, (tuple, list, frozenset, set)):
        items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
        h.update(f"{type(obj).__name__}[".encode())
        for x in items:
            _feed(h, x, seen, depth + 1)
        h.update(b"]")
    elif isinstance(obj, dict):
        h.update(b"dict{")
        for k in sorted(obj, key=repr):
            _feed(h, k, seen, depth + 1)
            _feed(h, obj[k], seen, depth + 1)
        h.update(b"}")
    elif isinstance(obj, functools.partial):
        h.update(b"partial:")
        _feed(h, obj.func, seen, depth + 1)
        _feed(h, obj.args, seen, depth + 1)
        _feed(h, obj.keywords, seen, depth + 1)
    elif isinstance(obj, types.FunctionType):
        if not _is_project(obj):
            h.update(f"fn:{obj.__module__}.{obj.__qualname__};".encode())
            return
        if id(obj) in seen:
            h.update(f"again:{obj.__qualname__};".encode())
            return
        seen.add(id(obj))
        h.update(_source(obj).encode())
        for cell in obj.__closure__ or ():
            try:
                _feed(h, cell.cell_contents, seen, depth + 1)
            except ValueError:  # an empty cell
                h.update(b"<empty>")
        _feed(h, obj.__defaults__, seen, depth + 1)
        _feed(h, obj.__kwdefaults__, seen, depth + 1)
        for name in dict.fromkeys(_code_names(obj.__code__)):
            if name in obj.__globals__:
                value = obj.__globals__[name]
                if isinstance(value, types.ModuleType):
                    continue
                h.update(f"global:{name}=".encode())
                _feed(h, value, seen, depth + 1)
    elif isinstance(obj, type):
        h.update(f"type:{obj.__module__}.{obj.__qualname__};".encode())
        if _is_project(obj) and id(obj) not in seen:
            seen.add(id(obj))
            with contextlib.suppress(OSError, TypeError):
                h.update(inspect.getsource(obj).replace("\r\n", "\n").encode())
    elif hasattr(obj, "__dataclass_fields__"):
        h.update(f"dataclass:{type(obj).__qualname__}:".encode())
        _feed(h, {f: getattr(obj, f) for f in obj.__dataclass_fields__}, seen, depth + 1)
    else:
        # an object without a stable value (a comparator, a compiled regex): its type is what we can vouch for
        h.update(f"obj:{type(obj).__module__}.{type(obj).__qualname__};".encode())
