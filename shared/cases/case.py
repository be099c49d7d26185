"""The case model: a graded check is `inputs(rng)` -> `run(impl, inputs)` -> `compare(inputs, outputs, expected)`.

- `inputs` runs in the grader's process (or when expected outputs are built). It gets a numpy Generator seeded
  from the case's seed and returns plain data (numpy arrays, scalars, strings): never torch, so the verdict
  side stays light and the worker receives data only.
- `run` runs in the worker, next to the student's code, and reaches it only through `impl` (impl.py).
- `compare` runs in the grader's process against the expected value.

The expected side (`expect`) is a reference to an oracle (a function of the inputs in the assignment's
instructor-only oracles/ package: torch.nn.functional, a float64 loop, a worked example; oracle.py), the string
"reference" (the reference implementation's output), or None for properties, `raises` and distribution tests that
need no expected value. Oracles and the reference are both computed ahead by `grader build`: the case files a
release ships name their oracles but hold none. (A plain callable is accepted for suites that are never
released, such as the grader's own tests; `grader check` refuses one in an assignment.)

Visible cases run at their published `seeds`; every case also gets `hidden_draws` instances at the term's
secret seeds. Cases defined in an assignment's instructor-only `hidden/` package have no published seeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from shared.cases.compare import Comparator
from shared.cases.oracle import OracleRef

Expect = OracleRef | Literal["reference"] | Callable[[dict], Any] | None
Visibility = Literal["visible", "hidden"]


@dataclass(frozen=True)
class Timed:
    """A speed requirement: the case's run may take at most `limit` times the CPU time of `calibration()`, a
    fixed workload of trusted code. The grader measures both (grader/timing.py): the run in a fresh process that
    makes exactly this one call, the calibration in one that never loaded student code."""

    limit: float
    calibration: Callable[[], Any]


@dataclass(frozen=True, kw_only=True)
class Case:
    """Keyword-only. The defaults are the common case: visible at seeds 0 and 1, one hidden draw. A case defined
    in an assignment's hidden/ package has no visible seeds whatever it says (it is hidden-only by where it is)."""

    name: str
    inputs: Callable[[np.random.Generator], dict]
    compare: Comparator
    unit: str = ""  # from the rubric's `cases` globs (shared/cases/units.py) unless named here
    run: Callable[..., Any] | None = None  # (impl, inputs) or (impl, inputs, fixture); None for group members
    expect: Expect = None
    seeds: tuple[int, ...] = (0, 1)
    hidden_draws: int = 1
    fixture: str | None = None
    group: str | None = None
    note: str = ""  # one line for the student: what this case exercises
    # Interactive cases (service.py): `service(inputs)` builds, in the grader's process, the handler that student
    # code queries through `shared.cases.service.call`; `public(inputs)` is what the worker receives instead of
    # the full inputs (default: everything), so a secret used by the service never reaches student code.
    service: Callable[[dict], Callable[[Any], Any]] | None = None
    public: Callable[[dict], dict] | None = None
    timed: Timed | None = None  # also a speed requirement, judged on the grader's measurement

    def worker_inputs(self, inputs: dict) -> dict:
        return inputs if self.public is None else self.public(inputs)

    @property
    def independent(self) -> bool:
        """True when the verdict does not depend on the reference (an oracle or a property)."""
        return self.expect != "reference"


@dataclass(frozen=True)
class Fixture:
    """Costly setup shared by a group of cases, built once per worker. Building it is graded as its own case
    (`summarize(obj)` is compared), so a broken constructor is named once rather than smeared over every case
    that uses it."""

    name: str
    unit: str
    inputs: Callable[[np.random.Generator], dict]
    build: Callable[[Any, dict], Any]
    summarize: Callable[[Any], Any]
    compare: Comparator
    expect: Expect = None
    seed: int = 0


@dataclass(frozen=True)
class Group:
    """Multi-process work: one spawned world runs every member case and returns their outputs in order.
    A crash or hang fails every member with its reason."""

    name: str
    run: Callable[[Any, list[dict]], list[Any]]
    time_limit_s: float = 120.0


@dataclass(frozen=True)
class Suite:
    """Everything one cases package defines."""

    cases: tuple[Case, ...] = ()
    fixtures: tuple[Fixture, ...] = ()
    groups: tuple[Group, ...] = ()

    def __add__(self, other: Suite) -> Suite:
        return Suite(self.cases + other.cases, self.fixtures + other.fixtures, self.groups + other.groups)


@dataclass(frozen=True)
class Instance:
    """One graded run of a case (or a fixture build) at one seed."""

    id: str
    kind: Literal["case", "fixture"]
    name: str
    unit: str
    seed: int
    visibility: Visibility
    fixture: str | None = None
    group: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def make_inputs(self, definition: Case | Fixture) -> dict:
        return definition.inputs(np.random.default_rng(self.seed))


def hide(*keys: str) -> Callable[[dict], dict]:
    """A case's `public=` that keeps these input keys (the answer, or what gives it away) from the worker: the
    comparator and the oracle still see them, student code cannot read them from its callers' frames."""
    def public(inputs: dict) -> dict:
        return {k: v for k, v in inputs.items() if k not in keys}

    public.__qualname__ = f"hide{keys!r}"
    return public


def secret_seed(secret: str, case_name: str, draw: int) -> int:
    """A hidden seed: stable for the term (same secret), unguessable without it, different per case and draw."""
    digest = hashlib.sha256(f"{secret}\x00{case_name}\x00{draw}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def instances(suite: Suite, secret: str | None, hidden_names: frozenset[str] = frozenset()) -> list[Instance]:
    """Every instance of a suite, fixtures first. `secret=None` gives the visible instances only.
    `hidden_names` are cases from the instructor-only hidden package: they have no visible instances."""
    out: list[Instance] = [
        Instance(f"fixture:{f.name}", "fixture", f.name, f.unit, f.seed, "visible") for f in suite.fixtures
    ]
    for c in suite.cases:
        if c.name not in hidden_names:
            out += [Instance(f"{c.name}@{s}", "case", c.name, c.unit, s, "visible", c.fixture, c.group)
                    for s in c.seeds]
        if secret is not None:
            out += [Instance(f"{c.name}#h{k}", "case", c.name, c.unit, secret_seed(secret, c.name, k), "hidden",
                             c.fixture, c.group) for k in range(c.hidden_draws)]
    return out


def validate(suite: Suite, units: set[str]) -> list[str]:
    """Problems with a suite's definitions, as messages naming the case."""
    problems = []
    names = [c.name for c in suite.cases] + [f"fixture:{f.name}" for f in suite.fixtures]
    dupes = {n for n in names if names.count(n) > 1}
    problems += [f"case name '{n}' is defined more than once" for n in sorted(dupes)]
    fixtures = {f.name for f in suite.fixtures}
    groups = {g.name for g in suite.groups}
    for c in suite.cases:
        if not c.unit:
            problems.append(f"case '{c.name}' has no unit: list it in its rubric unit's cases = [...] globs")
        elif c.unit not in units:
            problems.append(f"case '{c.name}' belongs to unit '{c.unit}', which the rubric does not define")
        if c.fixture and c.fixture not in fixtures:
            problems.append(f"case '{c.name}' uses fixture '{c.fixture}', which is not defined")
        if c.group and c.group not in groups:
            problems.append(f"case '{c.name}' is in group '{c.group}', which is not defined")
        if (c.run is None) == (c.group is None):
            problems.append(f"case '{c.name}' must have exactly one of run= and group=")
        if c.service is not None and (c.group is not None or c.fixture is not None):
            problems.append(f"case '{c.name}': a case with a service cannot be in a group or use a fixture")
        if c.timed is not None and (c.group is not None or c.fixture is not None):
            problems.append(f"case '{c.name}': a timed case runs alone in a fresh process, so it cannot be in a "
                            f"group or use a fixture")
        if "@" in c.name or "#" in c.name:
            problems.append(f"case name '{c.name}' may not contain '@' or '#'")
    for f in suite.fixtures:
        if f.unit not in units:
            problems.append(f"fixture '{f.name}' belongs to unit '{f.unit}', which the rubric does not define")
    return problems


def oracle_problems(suite: Suite, package: str) -> list[str]:
    """An assignment's expected sides must be references to its instructor-only oracles (oracle.py): a
    function in a case file would ship to students in the release, and would sit in the worker's memory."""
    problems = []
    for d in (*suite.cases, *suite.fixtures):
        what = f"case '{d.name}'" if isinstance(d, Case) else f"fixture '{d.name}'"
        if isinstance(d.expect, OracleRef):
            if d.expect.module.split(".")[:2] != [package, "oracles"]:
                problems.append(f"{what}: its oracle {d.expect.label} is outside {package}.oracles, the "
                                f"instructor-only package")
        elif callable(d.expect):
            problems.append(f"{what}: expect= is a function in a case file (released, or loaded by the worker); "
                            f"move it to {package}/oracles/<file>.py and name it there: "
                            f"expect=Oracles('{package}.oracles.<file>').<name>")
    return problems
