"""Solution regions: one strict, line-based syntax.

    # BEGIN SOLUTION         inside a function body: replaced in the release by a NotImplementedError stub
    # END SOLUTION
    # BEGIN SOLUTION ONLY    code only the solution needs (module-level helpers): deleted in the release
    # END SOLUTION ONLY

A marker is a whole line (indentation aside). A near-miss (`#BEGIN SOLUTION`, `# begin solution`), a nested,
unclosed or orphan marker, or a BEGIN SOLUTION outside a function body is an error quoting file and line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
BEGIN_ONLY, END_ONLY = "# BEGIN SOLUTION ONLY", "# END SOLUTION ONLY"
_EXACT = {BEGIN, END, BEGIN_ONLY, END_ONLY}
_NEAR = re.compile(r"#\s*(begin|end)\s*solution", re.IGNORECASE)


class MarkerError(ValueError):
    pass


@dataclass(frozen=True)
class Region:
    kind: str  # "solution" | "only"
    begin: int  # 1-based line of the BEGIN marker
    end: int  # 1-based line of the END marker
    indent: str
    qualname: str  # enclosing function ("Class.method"); "" for SOLUTION ONLY regions at module level


def _functions(tree: ast.AST) -> list[tuple[int, int, int, str]]:
    """(def line, end line, column, qualname) of every function, nested ones included."""
    out: list[tuple[int, int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = prefix + child.name
                out.append((child.lineno, child.end_lineno or child.lineno, child.col_offset, q))
                visit(child, q + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def parse(source: str, filename: str) -> list[Region]:
    lines = source.splitlines()
    regions: list[Region] = []
    open_: tuple[str, int, str] | None = None
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped not in _EXACT:
            if _NEAR.search(line) and stripped.startswith("#"):
                raise MarkerError(f"{filename}:{i}: malformed solution marker {stripped!r}; markers are exactly "
                                  f"'{BEGIN}', '{END}', '{BEGIN_ONLY}' or '{END_ONLY}' on a line of their own")
            continue
        indent = line[: len(line) - len(line.lstrip())]
        if stripped in (BEGIN, BEGIN_ONLY):
            if open_ is not None:
                raise MarkerError(f"{filename}:{i}: '{stripped}' inside the region opened at line {open_[1]}; "
                                  f"regions may not nest")
            open_ = ("solution" if stripped == BEGIN else "only", i, indent)
        else:
            kind = "solution" if stripped == END else "only"
            if open_ is None:
                raise MarkerError(f"{filename}:{i}: '{stripped}' closes no region")
            if open_[0] != kind:
                opener = BEGIN if open_[0] == "solution" else BEGIN_ONLY
                raise MarkerError(f"{filename}:{i}: '{stripped}' closes the '{opener}' opened at line {open_[1]}")
            if indent != open_[2]:
                raise MarkerError(f"{filename}:{i}: '{stripped}' is indented differently from its BEGIN at line "
                                  f"{open_[1]}")
            regions.append(Region(kind, open_[1], i, indent, ""))
            open_ = None
    if open_ is not None:
        raise MarkerError(f"{filename}:{open_[1]}: region is never closed")
    if not regions:
        return regions
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as e:
        raise MarkerError(f"{filename}:{e.lineno}: syntax error: {e.msg}") from None
    funcs = _functions(tree)
    out = []
    for r in regions:
        if r.kind == "only":
            out.append(r)
            continue
        enclosing = [f for f in funcs if f[0] < r.begin <= f[1] and len(r.indent) > f[2]]
        if not enclosing:
            raise MarkerError(f"{filename}:{r.begin}: '{BEGIN}' must be inside a function body (use "
                              f"'{BEGIN_ONLY}' for module-level code)")
        innermost = max(enclosing, key=lambda f: f[0])
        body = [ln for ln in lines[r.begin : r.end - 1] if ln.strip() and not ln.strip().startswith("#")]
        if not body:
            raise MarkerError(f"{filename}:{r.begin}: empty solution region")
        out.append(Region(r.kind, r.begin, r.end, r.indent, innermost[3]))
    return out


def stub_message(rel_path: str, qualname: str, section: str) -> str:
    where = f"HANDOUT.md {section}" if section else "HANDOUT.md"
    return f"{rel_path}: {qualname} is not implemented yet ({where})"


def stub(source: str, rel_path: str, section_of: Callable[[str], str]) -> str:
    """The release form of a file: solution regions become stubs, solution-only regions vanish."""
    regions = parse(source, rel_path)
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    for r in regions:
        out.extend(lines[pos : r.begin - 1])
        if r.kind == "solution":
            msg = stub_message(rel_path, r.qualname, section_of(r.qualname))
            out.append(f"{r.indent}raise NotImplementedError({msg!r})\n")
        pos = r.end
    out.extend(lines[pos:])
    result = "".join(out)
    try:
        ast.parse(result, rel_path)
    except SyntaxError as e:
        raise MarkerError(f"{rel_path}: the stubbed file does not parse (line {e.lineno}: {e.msg}); keep code "
                          f"outside regions valid on its own") from None
    return result


def strip(source: str, rel_path: str) -> str:
    """The solved form (earlier assignments in a release): marker lines removed, code kept."""
    regions = parse(source, rel_path)
    drop = {r.begin for r in regions} | {r.end for r in regions}
    return "".join(ln for i, ln in enumerate(source.splitlines(keepends=True), 1) if i not in drop)
