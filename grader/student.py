"""Student mode: pytest is the front end, the grader's worker runs the cases.

An assignment's `tests/test_cases.py` is two lines (`test_case = case_test("a1", __file__)`), and its
`tests/conftest.py` re-exports the hooks below. The pytest process imports case definitions and the snapshot
only; student code runs in the worker, exactly as when graded, so a local pass is a graded pass on these
visible cases, forbidden APIs included (the same scan grading runs).

The run ends with what the student needs, last: the first failure of each failing unit, the per-unit table, and
one line with the units passed, the projected points and the next unit to work on. `LMFS_UNITS` (set by
`grader test -a a1 -u softmax` and `make test A=a1 U=softmax`) runs chosen units only; when one of them fails,
the units it depends on run too, to say whether one of them is the cause.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from grader.execution import HARNESS_DIRS, Reply, Run
from grader.forbidden import scan_assignment, student_files
from grader.plan import TIMEOUTS_PER_UNIT, Plan, Step, from_store, limits, run_with_worker
from grader.report import STATUS_WORDS, table
from grader.session import WorkerSession
from grader.store import read
from grader.tree import TOOL_ROOT, Assignment, Tree
from grader.verdict import ERROR, PASSED, WRONG, CaseResult, UnitResult, dependency_order, judge_case, score

UNITS_ENV = "LMFS_UNITS"  # comma-separated unit names (`a1.softmax` or `softmax`): run only these
FULL_ENV = "LMFS_FULL"  # "1": every failure in full (pytest's own report), not one per unit
_RUNS: dict[str, _Run] = {}  # assignment id -> its run (one pytest session may collect several assignments)
MAX_FAILURE_LINES = 14  # per unit, in the closing summary
MAX_PRINTED_LINES = 6  # of what the student's code printed during a failing case
MAX_STACK_FRAMES = 4  # of the stack a timed-out case was cut off in
# faulthandler's header (grader/worker.py dumps the stack of a case that ran out of time) and its frame lines
_STACK_HEADER = re.compile(r"^(Stack|Current thread 0x[0-9a-f]+|Thread 0x[0-9a-f]+) \(most recent call first\):$",
                           re.MULTILINE)
_STACK_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<name>\S+)', re.MULTILINE)


def select_units(a: Assignment, names: list[str]) -> list[str]:
    """Unit keys for names as a student types them: `softmax`, `a1.softmax`. An unknown name is an error that
    lists the units there are."""
    keys = list(a.rubric.units)
    out = []
    for name in names:
        match = [k for k in keys if name in (k, k.split(".", 1)[-1])]
        if not match:
            raise ValueError(f"{a.id} has no unit {name!r}; its units: "
                             f"{', '.join(k.split('.', 1)[-1] for k in keys)}")
        out += [k for k in match if k not in out]
    return out


def _with_dependencies(a: Assignment, keys: list[str]) -> set[str]:
    todo, seen = list(keys), set()
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo += a.rubric.units[k].depends
    return seen


def _boot(a: Assignment) -> tuple[WorkerSession, threading.Thread]:
    """Boot a worker for `a` in the background: its torch import (seconds) overlaps the pytest process's own
    (loading the case definitions), so on two cores one unit's loop is that much shorter."""
    tool = None if (a.root / "grader").is_dir() else TOOL_ROOT  # the fixture tree borrows this one's grader/
    session = WorkerSession(a.root, a.package, a.rubric.preload, tool)
    thread = threading.Thread(target=session.start, name="worker-boot", daemon=True)
    thread.start()
    return session, thread


_EARLY: dict[str, tuple[WorkerSession, threading.Thread]] = {}  # booted before pytest started, not yet claimed


def prestart(a: Assignment) -> None:
    """Boot the worker before pytest itself starts (`grader test -a`): its collection then overlaps it too."""
    if a.id not in _EARLY:
        _EARLY[a.id] = _boot(a)


def drop_unclaimed() -> None:
    """Close workers booted early that no test claimed (pytest stopped before collecting the cases)."""
    for session, thread in _EARLY.values():
        thread.join()
        session.close()
    _EARLY.clear()


class _Run:
    """One worker per assignment for the whole pytest session, started on first use."""

    def __init__(self, a: Assignment, plan: Plan, expected: dict, chosen: list[str] | None) -> None:
        self.a, self.plan, self.expected, self.chosen = a, plan, expected, chosen
        self.session: WorkerSession | None = None
        self.replies: dict[str, Reply] = {}
        self.results: dict[str, CaseResult] = {}
        self.timeouts: dict[str, int] = {}  # unit -> cases that timed out (as grading counts them)
        self.boot_failure: Reply | None = None  # the worker could not start: said once, not per case
        self.dependency_results: dict[str, CaseResult] = {}
        self.closing: list[str] | None = None
        self.printed: dict[str, str] = {}  # case id -> what the student's code printed while it ran (capped)
        self._starting: threading.Thread | None = None
        # the static verdict grading gives these files (the runtime watcher's comes with each reply)
        self.forbidden = scan_assignment(a, student_files(a))

    def start_early(self) -> None:
        if self.session is None and self._starting is None:
            self.session, self._starting = _boot(self.a)

    def _started(self) -> WorkerSession:
        self.start_early()
        if self._starting is not None:
            self._starting.join()
        assert self.session is not None
        return self.session

    def reply(self, step: Step) -> Reply:
        unit = step.instance.unit
        if self.boot_failure is not None:
            return self.boot_failure
        if self.timeouts.get(unit, 0) >= TIMEOUTS_PER_UNIT:  # grading skips them too: an infinite loop costs 2
            return Reply(Run.TIMEOUT, message=f"not run: {TIMEOUTS_PER_UNIT} earlier cases of {unit} timed out")
        if step.instance.id not in self.replies:
            session = self._started()
            group = step.instance.group
            steps = [s for s in self.plan.steps if s.instance.group == group] if group else [step]
            offset = session.log_size()
            self.replies.update(run_with_worker(self.plan.subset(steps), session))
            if printed := session.log_since(offset).strip():
                self.printed.update({s.instance.id: printed for s in steps})
        reply = self.replies[step.instance.id]
        if reply.status == Run.BOOT_FAILED:
            self.boot_failure = reply
        elif reply.status == Run.TIMEOUT and not step.instance.group:
            self.timeouts[unit] = self.timeouts.get(unit, 0) + 1
        return reply

    def judge(self, step: Step) -> CaseResult:
        return judge_case(step, self.reply(step), self.expected.get(step.instance.id))

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        if self.session is not None:
            self.session.close()
            self.session = None


def case_test(aid: str, test_file: str):
    """A parametrized pytest test over every visible case of the assignment whose tests/ holds `test_file`."""
    root = Path(test_file).resolve().parents[2]
    a = Tree(root).assignment(aid)
    names = [n.strip() for n in os.environ.get(UNITS_ENV, "").split(",") if n.strip()]
    try:
        chosen = select_units(a, names) if names else None
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None
    # only the chosen units' stored inputs (and their dependencies', run only if a chosen unit fails)
    only = _with_dependencies(a, chosen) if chosen else None
    # before the case definitions import torch here (or before pytest started, when `grader test` ran it)
    early = (_EARLY.pop(aid, None) or _boot(a)) if aid not in _RUNS else None
    try:
        plan, expected = from_store(a.suite(hidden=False), a.hidden_names(), limits(a),
                                    read(a.snapshot_path, a.id, "visible"), only_units=only)
    except BaseException:
        if early is not None:
            early[1].join()
            early[0].close()
        raise
    run = _RUNS.setdefault(aid, _Run(a, plan, expected, chosen))
    if early is not None and run.session is None:
        run.session, run._starting = early
    steps = {s.instance.id: s for s in plan.steps if chosen is None or s.instance.unit in chosen}

    @pytest.mark.parametrize("case_id", list(steps), ids=[f"{s.instance.unit}:{i}" for i, s in steps.items()])
    def test_case(case_id: str) -> None:
        step = steps[case_id]
        if step.problem:  # the case's stored inputs are missing or stale: it fails alone, with the fix
            pytest.fail(f"{case_id}: {step.problem}", pytrace=False)
        result = run.judge(step)
        run.results[case_id] = result
        if not result.passed:
            pytest.fail(_explain(run, result, step), pytrace=False)
        if step.instance.unit in run.forbidden:  # passes, yet graded as forbidden: say so here too
            pytest.fail(f"{step.instance.unit}: forbidden: {'; '.join(run.forbidden[step.instance.unit])}",
                        pytrace=False)

    return test_case


def _target_files(a: Assignment, targets: tuple[str, ...]) -> str:
    """`a1_basics/nn/rmsnorm.py (RMSNorm)`: where a unit's targets live, from the assignment's module map."""
    api = a.api()
    by_file: dict[str, list[str]] = {}
    for t in targets:
        if ":" in api.get(t, ""):
            module, name = api[t].split(":", 1)
            by_file.setdefault(module.replace(".", "/") + ".py", []).append(name)
    return "; ".join(f"{f} ({', '.join(names)})" for f, names in by_file.items())


def split_stack(log: str, package: str) -> tuple[str, list[str]]:
    """The worker's log of one case split into what the code printed and, when the case was cut off, where
    (innermost first): the student's own frames (`a1_basics/nn/rmsnorm.py:25 in forward`), else the innermost
    frames whatever they are (a loop inside torch)."""
    m = _STACK_HEADER.search(log)
    if m is None:
        return log, []
    printed, dump = log[:m.start()].rstrip(), log[m.end():]
    marker, frames, anywhere = f"/{package}/", [], []
    for f in _STACK_FRAME.finditer(dump):
        path = f["file"].replace(os.sep, "/")
        rel = path.split(marker, 1)[1] if marker in path else ""
        text = f"{package}/{rel}:{f['line']} in {f['name']}" if rel else f"{path}:{f['line']} in {f['name']}"
        anywhere.append(text)
        if rel and rel.split("/")[0] not in HARNESS_DIRS:
            frames.append(text)
    return printed, (frames or anywhere)[:MAX_STACK_FRAMES]


def _call_site(run: _Run, message: str) -> str:
    """The case driver's call into the student's code (`impl.RMSNorm(d, eps=eps, dtype=dtype)`), read from the
    released case file the message names: how the code is called, where no frame of the student's exists."""
    m = re.search(rf"at ({re.escape(run.a.package)}/cases/[\w/]+\.py):(\d+) in ", message)
    if m is None:
        return ""
    try:
        lines = (run.a.root / m[1]).read_text().splitlines()
    except OSError:
        return ""
    first = int(m[2]) - 1
    if not 0 <= first < len(lines):
        return ""
    text = " ".join(line.strip() for line in lines[first:first + 4])  # a call may spread over a few lines
    start = text.find("impl.")
    if start < 0:
        return lines[first].strip()
    depth = 0
    for i in range(start, len(text)):  # from `impl.Name(` to its closing parenthesis
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(text[i], 0)
        if depth == 0 and text[i] in ")]}":
            return text[start:i + 1]
    return lines[first].strip()


def _explain(run: _Run, r: CaseResult, step: Step) -> str:
    unit = run.a.rubric.units[r.unit]
    lines = [f"{r.unit} ({unit.title}, HANDOUT.md {unit.handout}) case {r.id}: {r.status.replace('_', ' ')}",
             f"  {r.message}"]
    # the student's code to look at, from the module map: for a wrong answer, and for an error raised in the
    # case driver itself (the call into the student's code, e.g. a constructor with another signature)
    only_driver = f" at {run.a.package}/cases/" in r.message and "(called from" not in r.message
    where = _target_files(run.a, unit.targets) if r.status == WRONG or (r.status == ERROR and only_driver) else ""
    if where:
        lines.append(f"  your code: {where}")
        if r.status == ERROR and (call := _call_site(run, r.message)):
            lines.append(f"  the case calls it as: {call}")
    if getattr(step.definition, "note", ""):
        lines.append(f"  this case checks: {step.definition.note}")
    printed, stack = split_stack(run.printed.get(r.id, ""), run.a.package)
    if stack:
        lines.append("  cut off at (innermost first): " + "; ".join(stack))
    if printed:
        shown = printed.splitlines()
        lines.append("  your code printed:" + "".join(f"\n    {line}" for line in shown[:MAX_PRINTED_LINES])
                     + (f"\n    ... ({len(shown) - MAX_PRINTED_LINES} more lines)" if len(shown) > MAX_PRINTED_LINES
                        else ""))
    failing_deps = [d for d in unit.depends
                    if any(x.unit == d and not x.passed for x in run.results.values())]
    if failing_deps:
        one = len(failing_deps) == 1
        lines.append(f"  note: this unit uses {', '.join(failing_deps)}, which {'is' if one else 'are'} failing too: "
                     f"fix {'it' if one else 'them'} first")
    return "\n".join(lines)


def _units(run: _Run) -> list[UnitResult]:
    """The units that ran, scored as grading scores them (the dependencies run for a diagnosis count for
    their blocking, not as rows)."""
    units = score(run.a.rubric, [*run.results.values(), *run.dependency_results.values()], run.forbidden)
    ran = {r.unit for r in run.results.values()}
    return [u for u in units if u.key in ran]


def results_table(run: _Run) -> str:
    return table(_units(run), title=f"{run.a.id} progress (visible cases)", projected=True)


def _diagnose_dependencies(run: _Run) -> list[str]:
    """A chosen unit failed: run the units it depends on (not chosen, so not run yet) and say which fail."""
    failed = [u.key for u in _units(run) if u.status != PASSED]
    if not run.chosen or not failed or run.boot_failure is not None:
        return []
    lines = []
    for key in failed:
        deps = sorted(_with_dependencies(run.a, [key]) - {key})
        bad = []
        for dep in deps:
            steps = [s for s in run.plan.steps if s.instance.unit == dep and not s.problem]
            results = [run.dependency_results.setdefault(s.instance.id, run.judge(s)) for s in steps]
            if any(not r.passed for r in results):
                bad.append(f"{dep} (HANDOUT.md {run.a.rubric.units[dep].handout}: "
                           f"{sum(r.passed for r in results)}/{len(results)} cases pass)")
        if bad:
            lines.append(f"{key} uses {', '.join(bad)}: fix {'it' if len(bad) == 1 else 'them'} first, it may be "
                         f"the cause")
        elif deps:
            lines.append(f"{key}: the units it uses ({', '.join(deps)}) pass, so the problem is in {key} itself")
    return lines


def _compile_file(run: _Run, case_id: str) -> str:
    """The student file whose compile error this case raised, or ""."""
    reply = run.replies.get(case_id)
    raised = reply.raised if reply is not None and reply.status == Run.RAISED else None
    return str(raised.get("file", "")) if isinstance(raised, dict) else ""


def _broken_files(run: _Run) -> dict[str, tuple[str, set[str]]]:
    """Student files that do not compile: file -> (the message, the units whose cases it failed)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for case_id, r in run.results.items():
        if not r.passed and (path := _compile_file(run, case_id)):
            message = str(run.replies[case_id].raised.get("message", path))
            out.setdefault(path, (message, set()))[1].add(r.unit)
    return out


def _next_unit(run: _Run, units: list[UnitResult]) -> tuple[str, str] | None:
    """(unit key, its state) to work on next: the first unfinished unit in dependency order, or what blocks it."""
    by_key = {u.key: u for u in units}
    todo = [by_key[k] for k in dependency_order(run.a.rubric) if k in by_key and by_key[k].status != PASSED]
    todo = [u for u in todo if not run.a.rubric.units[u.key].optional] or todo
    if not todo:
        return None
    u = todo[0]
    if u.blocked_by:
        return u.blocked_by[0], f"{u.key} needs it"
    return u.key, STATUS_WORDS.get(u.status, u.status)


def closing_summary(run: _Run, full: bool) -> list[str]:
    """What the run ends with: one failure per failing unit, the table, and one verdict line."""
    a = run.a
    out = [f"==== {a.id} progress ===="]
    if run.boot_failure is not None:
        out.append(f"no case ran: the worker could not start: {run.boot_failure.message}")
        out.append("fix: run `make test` from the release folder (it creates .venv with what the assignment "
                   "needs), or `make doctor` to see what is missing")
        return out
    units = _units(run)
    broken = _broken_files(run)
    for message, blocked in broken.values():  # once, first: it explains many units' failures
        out.append(f"{message}: fix it first; it blocks {', '.join(sorted(blocked))}")
    if not full:
        for u in units:
            if u.status == PASSED:
                continue
            causes = {f for f, (_, blocked) in broken.items() if u.key in blocked}
            if causes and all(_compile_file(run, c.id) for c in u.cases if not c.passed):
                out.append(f"{u.key}: blocked by {', '.join(sorted(causes))} (does not compile)")
                continue
            if u.key in run.forbidden:
                out.append(f"{u.key}: graded 0, it uses a forbidden API: {'; '.join(run.forbidden[u.key])}. Fix: "
                           f"write it without that call (HANDOUT.md {a.rubric.units[u.key].handout})")
                continue
            if u.blocked_by:  # its own failures are noise; with chosen units, the diagnosis below says more
                if not run.chosen:
                        out.append(f"{u.key}: blocked by {', '.join(u.blocked_by)}, which it uses: fix "
                               f"{'that' if len(u.blocked_by) == 1 else 'those'} first")
                continue
            first = next((c for c in u.cases if not c.passed), None)
            if first is not None:
                text = _explain(run, first, run.plan.by_id()[first.id]).splitlines()
                more = sum(not c.passed for c in u.cases) - 1
                skipped = sum("not run: " in c.message for c in u.cases)  # after TIMEOUTS_PER_UNIT
                note = f"; {skipped} not run after {TIMEOUTS_PER_UNIT} timeouts, as grading does" if skipped else ""
                out += text[:MAX_FAILURE_LINES] + ([f"  (and {more} more failing cases of {u.key}{note})"]
                                                   if more else [])
    out += run.closing or []
    out.append(results_table(run))
    n_pass = sum(u.status == PASSED for u in units)
    required = [u for u in units if not u.optional]
    earned = sum(u.earned for u in required)
    possible = sum(u.points for u in required)
    extra = sum(u.earned for u in units if u.optional)
    nxt = _next_unit(run, units)
    if nxt is None:
        where = f"every unit run passes: make submit A={a.id}"
    else:
        key, state = nxt
        where = (f"next: {key} ({state}, HANDOUT.md {a.rubric.units[key].handout}): "
                 f"make test A={a.id} U={key.split('.', 1)[-1]}")
    scope = "chosen" if run.chosen else "visible"
    out.append(f"{a.id}: {n_pass}/{len(units)} {scope} units pass · projected {earned:.4g}/{possible:g}"
               + (f" + {extra:.4g} extra credit" if extra else "") + " "
               f"(graded points come from hidden draws only) · {where}")
    return out


def pytest_sessionfinish(session, exitstatus) -> None:
    # Every assignment's conftest re-exports the hooks, so each may be called once per conftest: work once.
    for run in _RUNS.values():
        if run.results and run.closing is None:
            run.closing = _diagnose_dependencies(run)
        run.close()


def pytest_unconfigure(config) -> None:
    """After pytest's own summary: the table and the verdict are the last thing the student reads."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter is not None else print
    full = os.environ.get(FULL_ENV) == "1"
    for run in list(_RUNS.values()):
        if run.results or run.boot_failure is not None:
            for line in closing_summary(run, full):
                write(line)
    _RUNS.clear()
