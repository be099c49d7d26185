"""Which unit a case belongs to, from the rubric: each `[unit."a1.name"]` lists `cases = ["name/*", ...]`, globs
over case names, so a unit key is written once (in the rubric) and case files do not repeat it. A case may still
name its unit (`Case(unit=...)`, where two units share a prefix); it must then agree with any glob that matches.
Read with tomllib (no grader import), so the worker and the grader's process assign the same units."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import replace
from pathlib import Path

from shared.cases.case import Suite


class UnitError(ValueError):
    pass


def unit_globs(rubric_path: Path) -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(rubric_path.read_text(encoding="utf-8"))
    out = {}
    for key, unit in (data.get("unit") or {}).items():
        globs = unit.get("cases", [])
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            raise UnitError(f'{rubric_path}: [unit."{key}"] cases must be a list of case-name globs, e.g. ["name/*"]')
        out[key] = tuple(globs)
    return out


def unit_of(name: str, globs: dict[str, tuple[str, ...]]) -> list[str]:
    return [key for key, gs in globs.items() if any(fnmatch.fnmatchcase(name, g) for g in gs)]


def assign_units(suite: Suite, rubric_path: Path) -> Suite:
    """The suite with every case's unit filled in from the rubric's globs; a case no unit claims, or that two
    units claim, is an error naming the case and the fix."""
    if not rubric_path.exists():
        return suite
    globs = unit_globs(rubric_path)
    cases = []
    for c in suite.cases:
        found = unit_of(c.name, globs)
        if c.unit:
            if found and found != [c.unit]:
                raise UnitError(f"case '{c.name}' names unit {c.unit}, but {rubric_path} assigns it to {found}")
            cases.append(c)
            continue
        if len(found) != 1:
            how = "no unit's" if not found else f"several units' ({', '.join(found)})"
            raise UnitError(f"case '{c.name}' matches {how} `cases` globs in {rubric_path}: add it to exactly one "
                            f"unit's cases = [...], or name it with Case(unit=...)")
        cases.append(replace(c, unit=found[0]))
    return Suite(tuple(cases), suite.fixtures, suite.groups)
