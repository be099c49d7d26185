"""The rubric of an assignment (`<package>/rubric.toml`): units, points, dependencies, limits, the student's
files, artifacts and forbidden APIs. Loaded into frozen dataclasses and validated with messages that name
the key and the fix."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class Artifact:
    """A non-Python file a submission may carry (vocab/merges, a trained classifier), by glob and size cap."""

    path: str
    kind: str
    max_bytes: int


@dataclass(frozen=True)
class Leaderboard:
    """A figure of merit shown on Gradescope's leaderboard: `field` of the first visible instance of `case`."""

    name: str
    case: str
    field: str
    order: str = "asc"  # asc: smaller is better


@dataclass(frozen=True)
class Unit:
    key: str
    title: str
    points: float
    handout: str
    targets: tuple[str, ...]
    depends: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    time_limit_s: float = 20.0
    budget_s: float = 2.0  # what the reference should need per case; grader check warns past it
    leaderboard: Leaderboard | None = None
    optional: bool = False  # extra credit: graded and reported, its points outside the assignment's total
    # when several units target one class: the methods that belong to this unit (their stubs name its section)
    methods: tuple[str, ...] = ()
    # aten ops the runtime watcher reports inside this unit's code (grader/aten_watch.py): "aten._softmax"
    forbidden_ops: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubric:
    id: str
    package: str
    title: str
    student_files: tuple[str, ...]
    protected: tuple[str, ...]
    instructor_only: tuple[str, ...]
    forbidden: tuple[str, ...]
    units: dict[str, Unit]
    artifacts: tuple[Artifact, ...] = ()
    order: int = 0
    preload: tuple[str, ...] = ()  # modules the worker imports once before forking (torch: ~3 s)
    # "module:function" returning a file the assignment needs (a model, a data file), or raising
    # FileNotFoundError that names the fix: what `make doctor` checks beyond the imports
    needs: tuple[str, ...] = ()
    total_time_limit_s: float = 600.0  # a whole submission's budget: a hostile one cannot time out case by case
    max_output_bytes: int = 64 * 2**20  # one case's output, as sent by the worker
    handout_files: dict[str, str] = field(default_factory=dict)  # file -> handout section, for stub messages
    # when students see hidden results on Gradescope: "immediate" (status, unit and note; never inputs or
    # values) or "after_due_date"
    hidden_feedback: str = "immediate"
    # why this assignment's oracles still sit in its case files (a migration under way): `grader check` then
    # warns instead of failing on them, and the release rule tests expect them to fail. Empty: none allowed.
    oracles_pending: str = ""

    @property
    def total_points(self) -> float:
        """The assignment's total: optional units are extra credit on top of it."""
        return sum(u.points for u in self.units.values() if not u.optional)

    def is_student_file(self, rel: str) -> bool:
        return any(_match(rel, g) for g in self.student_files) and not self.is_protected(rel)

    def is_protected(self, rel: str) -> bool:
        return any(_match(rel, g) for g in self.protected)

    def is_instructor_only(self, rel: str) -> bool:
        return any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in self.instructor_only)

    def artifact_for(self, rel: str) -> Artifact | None:
        return next((a for a in self.artifacts if _match(rel, a.path)), None)

    def unit_of_target(self, api_name: str, member: str | None = None) -> Unit | None:
        """The unit that grades api_name; with a member (a method of a target class), the unit that lists it in
        `methods` when there is one, else the first unit that targets the class."""
        units = [u for u in self.units.values() if api_name in u.targets]
        return next((u for u in units if member is not None and member in u.methods), units[0] if units else None)


def _match(rel: str, glob: str) -> bool:
    """fnmatch where '**/' may match no folder at all (so 'pkg/**/*.py' matches 'pkg/x.py')."""
    return fnmatch.fnmatchcase(rel, glob) or ("**/" in glob and fnmatch.fnmatchcase(rel, glob.replace("**/", "")))


# The fixed layout of an assignment package: what a submission never supplies (the module map, the CS336
# adapters, the cases and tests, the benchmarks, the instructor's folders) and what never ships in a release.
# A rubric's own `protected` and `instructor_only` list only its extras.
LAYOUT_PROTECTED = ("__init__.py", "api.py", "cs336_adapters.py", "cases/**", "tests/**", "bench/**",
                    "hidden/**", "oracles/**", "mutants/**", "examples/**", "instructor_tests/**")
LAYOUT_INSTRUCTOR_ONLY = ("hidden", "oracles", "mutants", "examples", "instructor_tests")


def _with_layout(package: str, layout: tuple[str, ...], extras: Any, where: str) -> tuple[str, ...]:
    if not isinstance(extras, list) or not all(isinstance(x, str) for x in extras):
        raise RubricError(f"{where} must be a list of paths (globs) under {package}/")
    outside = [x for x in extras if not x.startswith(package + "/")]
    if outside:
        raise RubricError(f"{where}: {outside} are not under {package}/")
    return tuple(dict.fromkeys([*(f"{package}/{x}" for x in layout), *extras]))


def load(path: Path) -> Rubric:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RubricError(f"{path}: cannot read the rubric ({e})") from None
    where = str(path)
    a = data.get("assignment")
    if not isinstance(a, dict):
        raise RubricError(f"{where}: missing [assignment] table")
    for key in ("id", "package", "title"):
        if key not in a:
            raise RubricError(f"{where}: [assignment] needs '{key}'")
    default_limit = float(a.get("time_limit_s", 20.0))
    units: dict[str, Unit] = {}
    for key, u in (data.get("unit") or {}).items():
        missing = [k for k in ("title", "points", "handout", "targets") if k not in u]
        if missing:
            raise RubricError(f"{where}: [unit.\"{key}\"] needs {', '.join(missing)}")
        globs = u.get("cases", [])
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            raise RubricError(f'{where}: [unit."{key}"] cases must be a list of case-name globs, e.g. cases = '
                              f'["{key.split(".", 1)[-1]}/*"]')
        api = u.get("api", {})
        if not isinstance(api, dict) or not all(isinstance(v, str) and ":" in v for v in api.values()):
            raise RubricError(f'{where}: [unit."{key}"] api must map api names to "module:qualname" strings, '
                              f'e.g. api = {{ softmax = "{a["package"]}.nn.activations:softmax" }}')
        if not key.startswith(a["id"] + "."):
            raise RubricError(f"{where}: unit '{key}' must be named '{a['id']}.<name>'")
        units[key] = Unit(
            key=key, title=u["title"], points=float(u["points"]), handout=u["handout"],
            targets=tuple(u["targets"]), depends=tuple(u.get("depends", ())),
            forbidden=tuple(u.get("forbidden", ())), time_limit_s=float(u.get("time_limit_s", default_limit)),
            budget_s=float(u.get("budget_s", default_limit / 10.0)),
            leaderboard=_leaderboard(u.get("leaderboard"), f"{where}: [unit.\"{key}\".leaderboard]"),
            optional=_flag(u.get("optional", False), f"{where}: [unit.\"{key}\"] optional"),
            methods=_names(u.get("methods", []), f"{where}: [unit.\"{key}\"] methods"),
            forbidden_ops=_aten_ops(u.get("forbidden_ops", []), f"{where}: [unit.\"{key}\"] forbidden_ops"),
        )
    for u in units.values():
        for d in u.depends:
            if d not in units:
                raise RubricError(f"{where}: unit '{u.key}' depends on '{d}', which is not a unit")
        if u.time_limit_s < 10 * u.budget_s:
            raise RubricError(f"{where}: unit '{u.key}' has time_limit_s {u.time_limit_s:g} below 10x its "
                              f"budget_s {u.budget_s:g}; safety limits must be at least 10x the reference")
    _check_acyclic(units, where)
    artifacts = tuple(
        Artifact(x["path"], x.get("kind", "file"), int(x["max_bytes"])) for x in data.get("artifact", [])
    )
    return Rubric(
        id=a["id"], package=a["package"], title=a["title"],
        student_files=tuple(a.get("student_files", [f"{a['package']}/**/*.py"])),
        protected=_with_layout(a["package"], LAYOUT_PROTECTED, a.get("protected", []),
                               f"{where}: [assignment] protected"),
        instructor_only=_with_layout(a["package"], LAYOUT_INSTRUCTOR_ONLY, a.get("instructor_only", []),
                                     f"{where}: [assignment] instructor_only"),
        forbidden=tuple(a.get("forbidden", ())), units=units, artifacts=artifacts, order=int(a.get("order", 0)),
        preload=tuple(a.get("preload", ())), needs=tuple(a.get("needs", ())),
        total_time_limit_s=float(a.get("total_time_limit_s", 600.0)),
        max_output_bytes=int(float(a.get("max_output_mb", 64)) * 2**20),
        handout_files=dict(a.get("handout_files", {})),
        oracles_pending=str(a.get("oracles_pending", "")),
        hidden_feedback=_choice(a.get("hidden_feedback", "immediate"), HIDDEN_FEEDBACK,
                                f"{where}: [assignment] hidden_feedback"),
    )


HIDDEN_FEEDBACK = ("immediate", "after_due_date")


def _choice(value: object, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise RubricError(f"{where} must be one of {', '.join(repr(x) for x in allowed)}, got {value!r}")
    return str(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise RubricError(f"{where} must be true or false, got {value!r}")
    return value


def _names(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.isidentifier() for v in value):
        raise RubricError(f"{where} must be a list of method names, got {value!r}")
    return tuple(value)


def _aten_ops(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith("aten.") for v in value):
        raise RubricError(f"{where} must be a list of aten op names such as \"aten._softmax\", got {value!r}")
    return tuple(value)


def _leaderboard(data: dict | None, where: str) -> Leaderboard | None:
    if data is None:
        return None
    missing = [k for k in ("name", "case", "field") if k not in data]
    if missing:
        raise RubricError(f"{where} needs {', '.join(missing)}")
    if data.get("order", "asc") not in ("asc", "desc"):
        raise RubricError(f"{where}: order must be 'asc' or 'desc'")
    return Leaderboard(data["name"], data["case"], data["field"], data.get("order", "asc"))


def _check_acyclic(units: dict[str, Unit], where: str) -> None:
    state: dict[str, int] = {}

    def visit(k: str, path: list[str]) -> None:
        if state.get(k) == 2:
            return
        if state.get(k) == 1:
            raise RubricError(f"{where}: dependency cycle {' -> '.join([*path, k])}")
        state[k] = 1
        for d in units[k].depends:
            visit(d, [*path, k])
        state[k] = 2

    for k in units:
        visit(k, [])
