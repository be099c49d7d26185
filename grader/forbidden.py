"""Forbidden-API scan of the student's files, on their syntax trees (nothing is imported or run).

Patterns are dotted names as the student would reach them after import resolution:
`torch.softmax`, `torch.nn.functional.*` (the module and everything under it), or `.softmax` (any attribute
access of that name, e.g. the method `x.softmax(-1)`). Aliases are followed: `import torch.nn.functional as F`
then `F.softmax`, `from torch import softmax as s`, and `getattr(torch, "softmax")` with a literal name.
A determined student can still hide a call (`getattr(torch, "soft" + "max")`, `eval`); the scan names honest
mistakes, and the rubric says so.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    name: str
    pattern: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} uses {self.name} (forbidden: {self.pattern})"


OWN = "<own>"  # names the student's own package defines (relative or package imports)


def _matches(name: str, pattern: str) -> bool:
    if pattern.startswith("."):
        # subtle: `x.softmax(-1)` is the tensor method, but `self.softmax` or `activations.softmax` is the
        # student's own code; only names not resolved to their package or `self` count.
        base = name.rsplit(".", 1)[0]
        return name.rsplit(".", 1)[-1] == pattern[1:] and not base.startswith((OWN, "self"))
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return name == base or name.startswith(base + ".")
    return fnmatch.fnmatchcase(name, pattern)


class _Resolver(ast.NodeVisitor):
    def __init__(self, package: str) -> None:
        self.package = package
        self.aliases: dict[str, str] = {}
        self.names: list[tuple[int, str]] = []  # (line, resolved dotted name)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.aliases[a.asname] = self._own(a.name)
            else:
                self.aliases[a.name.split(".")[0]] = self._own(a.name.split(".")[0])
            self.names.append((node.lineno, a.name))

    def _own(self, name: str) -> str:
        return f"{OWN}.{name}" if name == self.package or name.startswith(self.package + ".") else name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or self._own(node.module) != node.module:
            for a in node.names:
                self.aliases[a.asname or a.name] = f"{OWN}.{a.name}"
            return
        for a in node.names:
            full = f"{node.module}.{a.name}" if a.name != "*" else f"{node.module}.*"
            self.aliases[a.asname or a.name] = full
            self.names.append((node.lineno, full))

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else f"?.{node.attr}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):
            base = self._dotted(node.args[0])
            return f"{base or '?'}.{node.args[1].value}"
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self._dotted(node)
        self.names.append((node.lineno, name if name else f"?.{node.attr}"))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self.names.append((node.lineno, self.aliases[node.id]))

    def visit_Call(self, node: ast.Call) -> None:
        name = self._dotted(node) if isinstance(node.func, ast.Name) and node.func.id == "getattr" else None
        if name:
            self.names.append((node.lineno, name))
        self.generic_visit(node)


def scan(path: str, source: str, patterns: list[str], package: str = "") -> list[Hit]:
    """Forbidden names used in one file. A file that does not parse yields no hits (it fails at import)."""
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return []
    r = _Resolver(package or path.split("/")[0])
    # Imports first, so an alias is known wherever it is used.
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            r.visit_Import(node)
        elif isinstance(node, ast.ImportFrom):
            r.visit_ImportFrom(node)
    r.names.clear()
    r.visit(tree)
    hits, seen = [], set()
    for line, name in r.names:
        for p in patterns:
            if _matches(name, p) and (line, p) not in seen:
                seen.add((line, p))
                hits.append(Hit(path, line, name, p))
    return sorted(hits, key=lambda h: (h.line, h.pattern))


def scan_units(files: dict[str, str], unit_patterns: dict[str, list[str]], global_patterns: list[str] = (),
               unit_files: dict[str, set[str]] | None = None) -> dict[str, list[str]]:
    """unit key -> messages. A unit's own patterns are searched in its own files and in every helper file (one
    that holds no unit's code), so moving a forbidden call into `helpers2.py` does not hide it, while another
    unit's file may use what only this unit forbids. The assignment-wide patterns cost only the units whose code
    lives in the file that uses them, so one stray import does not zero the whole assignment. Without
    `unit_files`, every file counts for every unit."""
    out: dict[str, list[str]] = {}
    unit_files = unit_files or {}
    owned = set().union(*unit_files.values()) if unit_files else set()
    for path, source in sorted(files.items()):
        for unit, patterns in unit_patterns.items():
            mine = path in unit_files.get(unit, ()) or not unit_files
            own = scan(path, source, patterns) if patterns and (mine or path not in owned) else []
            shared = scan(path, source, list(global_patterns)) if mine else []
            for h in sorted({*own, *shared}, key=lambda h: (h.line, h.pattern)):
                out.setdefault(unit, []).append(str(h))
    return out
