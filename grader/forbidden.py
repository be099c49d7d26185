"""Forbidden-API scan of the student's files, on their syntax trees (nothing is imported or run).

Patterns are dotted names as the student would reach them after import resolution:
`torch.softmax`, `torch.nn.functional.*` (the module and everything under it), or `.softmax` (any attribute
access of that name, e.g. the method `x.softmax(-1)`). Aliases are followed: `import torch.nn.functional as F`
then `F.softmax`, `from torch import softmax as s`, `getattr(torch, "soft" + "max")` with a name made of
literals, and modules bound by `importlib.import_module("torch.nn.functional")` or `__import__("torch")`.
A determined student can still hide a call (`eval`, a name computed at run time); the runtime watcher
(grader/aten_watch.py) sees some of those, and both are deterrents: the rubric says so.

`scan_assignment` is the one entry point: grading (grader/grade.py) and student mode (grader/student.py) both
call it, so a submission gets the same static verdict locally and graded.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.aten_watch import APIS, unit_files

if TYPE_CHECKING:
    from grader.tree import Assignment


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
        if isinstance(node, ast.Call):
            return self._dynamic(node)
        return None

    def _dynamic(self, node: ast.Call) -> str | None:
        """`getattr(obj, "na" + "me")` -> obj.name; `importlib.import_module("a.b")` -> a.b; `__import__("a.b")`
        -> a (what it returns). Only names made of literals: anything else is the runtime watcher's."""
        name = _literal(node.args[1]) if len(node.args) >= 2 else None
        func = self._dotted(node.func) if isinstance(node.func, (ast.Name, ast.Attribute)) else None
        if func == "getattr" and name is not None:
            return f"{self._dotted(node.args[0]) or '?'}.{name}"
        module = _literal(node.args[0]) if node.args else None
        if module is None:
            return None
        if func == "importlib.import_module":  # a relative name is the student's own package
            return f"{OWN}.{module.lstrip('.')}" if module.startswith(".") else self._own(module)
        if func == "__import__":
            return self._own(module.split(".")[0])
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        # `F = importlib.import_module("torch.nn.functional")` binds an alias, as `import ... as F` would
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call):
            module = self._dynamic(node.value)
            if module is not None:
                self.aliases[node.targets[0].id] = module
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self._dotted(node)
        self.names.append((node.lineno, name if name else f"?.{node.attr}"))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self.names.append((node.lineno, self.aliases[node.id]))

    def visit_Call(self, node: ast.Call) -> None:
        name = self._dynamic(node)
        if name:
            self.names.append((node.lineno, name))
        self.generic_visit(node)


def _literal(node: ast.AST) -> str | None:
    """The string a literal expression always evaluates to: "a", "a" + "b", f"a{'b'}"; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [_literal(v.value if isinstance(v, ast.FormattedValue) and v.conversion == -1
                          and v.format_spec is None else v) for v in node.values]
        return "".join(parts) if all(p is not None for p in parts) else None
    return None


def scan(path: str, source: str, patterns: list[str], package: str = "") -> list[Hit]:
    """Forbidden names used in one file. A file that does not parse yields no hits (it fails at import)."""
    hits, seen = [], set()
    for line, name in _used_names(path, source, package or path.split("/")[0]):
        for p in patterns:
            if _matches(name, p) and (line, p) not in seen:
                seen.add((line, p))
                hits.append(Hit(path, line, name, p))
    return sorted(hits, key=lambda h: (h.line, h.pattern))


@functools.lru_cache(maxsize=512)
def _used_names(path: str, source: str, package: str) -> tuple[tuple[int, str], ...]:
    """(line, resolved dotted name) of every name one file uses, parsed once: an assignment's scan matches each
    file against every unit's patterns, and parsing it per unit made a student's one-unit run wait seconds."""
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return ()
    r = _Resolver(package)
    # Imports first, so an alias is known wherever it is used.
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            r.visit_Import(node)
        elif isinstance(node, ast.ImportFrom):
            r.visit_ImportFrom(node)
    for node in ast.walk(tree):  # then the aliases dynamic imports bind
        if isinstance(node, ast.Assign):
            r.visit_Assign(node)
    r.names.clear()
    r.visit(tree)
    return tuple(r.names)


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


# The grader's own code in the worker's tree: the case definitions, hidden drivers and their helpers (and, in an
# instructor's tree, the oracles: torch.nn.functional in float64, whole naive models), so importing them is a
# forbidden call laundered through harness code, which the runtime watcher does not count.
# shared.cases.service is the one part student code may call (a3's plan).
# Of every assignment in the tree (an earlier one's cases are as much the grader's as this one's), plus tests/.
HARNESS = ("cases", "hidden", "oracles", "mutants", "instructor_tests", "tests")
HARNESS_ALLOWED = ("shared.cases.service",)  # shared.config_cli and shared.triton_mode are not harness at all
ASSIGNMENT_PACKAGE = re.compile(r"^a\d+_[a-z0-9_]+$")


def _imported_modules(path: str, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module) of every import and literal importlib.import_module/__import__ in a file."""
    here = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            out += [(node.lineno, f"{module}.{a.name}" if module else a.name) for a in node.names]
        elif isinstance(node, ast.Call) and node.args and (name := _literal(node.args[0])) is not None:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func in ("import_module", "__import__"):
                out.append((node.lineno, name))
    return out


def harness_imports(path: str, source: str, package: str) -> list[Hit]:
    """Imports of the grader's or any assignment's cases, hidden drivers, mutants or tests from a student file."""
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return []
    hits = []
    for line, module in _imported_modules(path, tree):
        top = module.split(".")[0]
        packages = {package, top} if ASSIGNMENT_PACKAGE.match(top) else {package}
        banned = [f"{p}.{h}" for p in sorted(packages) for h in HARNESS] + ["grader", "shared.cases"]
        for b in banned:
            if (module == b or module.startswith(b + ".")) and not module.startswith(HARNESS_ALLOWED):
                hits.append(Hit(path, line, module, f"{b}.* (the grader's own code, not yours to call)"))
                break
    return hits


def scan_assignment(a: Assignment, files: dict[str, str]) -> dict[str, list[str]]:
    """The static verdict of one submission's student files (rel path -> source), by unit: the one scan that
    grading and student mode both run. Importing the harness costs the units whose code lives in that file (every
    unit, from a file that holds none)."""
    owners = unit_files(a.rubric, a.api())
    out = scan_units(files, {k: list(u.forbidden) for k, u in a.rubric.units.items()}, list(a.rubric.forbidden),
                     owners)
    for path, source in sorted(files.items()):
        hits = harness_imports(path, source, a.package)
        units = [k for k, fs in owners.items() if path in fs] or list(a.rubric.units)
        for unit in units:
            out.setdefault(unit, []).extend(str(h) for h in hits)
    return {k: v for k, v in out.items() if v}


def student_files(a: Assignment) -> dict[str, str]:
    """The student files of a checkout (student mode): what a submission of this tree would carry."""
    out = {}
    for path in sorted(a.package_dir.rglob("*.py")):
        rel = path.relative_to(a.root).as_posix()
        if a.rubric.is_student_file(rel) and "__pycache__" not in path.parts:
            out[rel] = path.read_text(encoding="utf-8", errors="replace")
    return out


def describe_watched(hits: list[dict]) -> str:
    """The runtime watcher's report (grader/aten_watch.py) in words, for a case's verdict."""
    calls = [f"called {h['op']}" + (f" ({APIS[h['op']]})" if h["op"] in APIS else "") + f" at {h['where']}"
             for h in hits]
    return "; ".join(calls) + ": an API this unit forbids (found at run time)"
