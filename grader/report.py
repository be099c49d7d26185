"""Reports: results stay dataclasses until here; one function per format.

Gradescope `results.json`: one test per unit and visibility (graded: hidden only). A hidden part shows the
unit, each draw's status and its case's note, never the case's inputs or values; students see it at once, or
after the due date where the rubric sets `hidden_feedback = "after_due_date"`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from grader.execution import Status
from grader.verdict import CaseResult, UnitResult

GRADER_VERSION = "0.1.0"

_HIDDEN_TEXT = {
    Status.WRONG: "wrong answer", Status.NOT_IMPLEMENTED: "not implemented",
    Status.ERROR: "raised an error, crashed or timed out", Status.BLOCKED: "blocked by a failing shared fixture",
    Status.FORBIDDEN: "uses a forbidden API",
}


@dataclass
class GradeReport:
    assignment: str
    units: list[UnitResult]
    isolation: str = "not started"
    execution_time: float = 0.0
    ignored: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    log_tail: str = ""
    error: str = ""  # grading itself failed: a valid zero with this reason
    leaderboard: list[dict] = field(default_factory=list)  # Gradescope's {name, value, order}
    hidden_feedback: str = "immediate"  # the rubric's: when students see hidden results on Gradescope

    @property
    def score(self) -> float:
        return round(sum(u.earned for u in self.units), 4)

    @property
    def max_score(self) -> float:
        """Optional units are extra credit: their earned points count in `score`, not here."""
        return round(sum(u.points for u in self.units if not u.optional), 4)


PROTECTED_WHY = "protected: the grader uses its own copy"


def ignored_lines(ignored: list[tuple[str, str]]) -> list[str]:
    """One line per file the grade did not use, except the release's own files a whole-folder zip carries:
    those are one line with a count (a zip of the tree holds dozens)."""
    protected = [p for p, why in ignored if why == PROTECTED_WHY]
    lines = [f"ignored: {p} ({why})" for p, why in ignored if why != PROTECTED_WHY]
    if protected:
        lines.append(f"ignored: {len(protected)} files the release provides ({', '.join(protected[:3])}"
                     f"{', ...' if len(protected) > 3 else ''}): {PROTECTED_WHY}")
    return lines


def case_line(c: CaseResult, number: int = 0) -> str:
    if c.visibility == "hidden":  # a number, the kind of failure and the note: never inputs or expected values
        note = f" ({c.note})" if c.note else ""
        return f"  {'PASS' if c.passed else 'FAIL'} hidden case {number}" + (
            "" if c.passed else f": {_HIDDEN_TEXT.get(c.status, 'failed')}") + note
    mark = "PASS" if c.passed else {Status.NOT_IMPLEMENTED: "TODO"}.get(c.status, "FAIL")
    return f"  {mark} {c.id}" + ("" if c.passed else f": {c.message}")


def gradescope(report: GradeReport) -> dict:
    tests = []
    for i, u in enumerate(report.units, 1):
        for j, vis in enumerate(("visible", "hidden"), 1):
            earned, possible, cases = u.part(vis)
            if not cases:
                continue
            head = f"{u.key}: {u.title}"
            if u.status == Status.FORBIDDEN:
                head += f"\nscored 0: {u.detail}"
            elif u.blocked_by and any(not c.passed for c in cases):
                head += f"\n{u.detail} (fix that unit first)"
            tests.append({
                "name": f"{u.key} [{vis}]" + (" (optional, extra credit)" if u.optional else ""),
                "number": f"{i}.{j}",
                "score": round(earned if u.status != Status.FORBIDDEN else 0.0, 4),
                "max_score": round(possible, 4),
                "status": "passed" if all(c.passed for c in cases) and u.status != Status.FORBIDDEN else "failed",
                "output": head + "\n" + "\n".join(case_line(c, n) for n, c in enumerate(cases, 1)),
                "tags": [u.key, *(["optional"] if u.optional else [])],
                "visibility": "visible" if vis == "visible" or report.hidden_feedback == "immediate"
                else "after_due_date",
            })
    lines = [f"{report.assignment}: {report.score:g} / {report.max_score:g} points",
             f"isolation: {report.isolation}", f"grader: {GRADER_VERSION}"]
    if report.error:
        lines.append(f"GRADING FAILED: {report.error}")
    lines += [f"problem: {p}" for p in report.problems]
    lines += ignored_lines(report.ignored)
    return {
        "score": report.score if not report.error else 0.0,
        "execution_time": round(report.execution_time, 2),
        "output": "\n".join(lines),
        # the total is the hidden draws' sum: held back with them where the rubric holds them back
        "visibility": "visible" if report.hidden_feedback == "immediate" else "after_due_date",
        "stdout_visibility": "hidden",
        "tests": tests,
        "leaderboard": report.leaderboard,
        "extra_data": {"grader_version": GRADER_VERSION, "isolation": report.isolation},
    }


def to_json(report: GradeReport) -> str:
    return json.dumps(gradescope(report), indent=2)


STATUS_WORDS = {Status.PASSED: "passed", Status.WRONG: "wrong", Status.NOT_IMPLEMENTED: "not implemented",
                Status.BLOCKED: "blocked", Status.FORBIDDEN: "forbidden", Status.ERROR: "error",
                Status.UNTESTED: "untested"}


def _state(u: UnitResult) -> str:
    if u.status == Status.BLOCKED and u.blocked_by:
        return "blocked by " + ", ".join(u.blocked_by) + (" · optional" if u.optional else "")
    word = STATUS_WORDS.get(u.status, u.status)
    word = f"{word} ({u.detail})" if u.status == Status.FORBIDDEN else word
    return word + (" · optional" if u.optional else "")


def table(units: list[UnitResult], title: str = "", projected: bool = False) -> str:
    """The per-unit progress table: points earned of possible, then the state. `projected`: the points are what
    visible cases project (student mode); graded points come from hidden draws only."""
    rows = [(u.key, f"{u.earned:.4g}/{u.points:g}", f"{sum(c.passed for c in u.cases)}/{len(u.cases)}",
             _state(u)) for u in units]
    total = sum(u.earned for u in units)
    possible = sum(u.points for u in units if not u.optional)
    extra = sum(u.earned for u in units if u.optional)
    rows.append(("total", f"{total:.4g}/{possible:g}", f"{sum(sum(c.passed for c in u.cases) for u in units)}/"
                 f"{sum(len(u.cases) for u in units)}", f"{100.0 * total / possible if possible else 0:.0f}%"
                 + (f" (incl. {extra:.4g} extra credit)" if any(u.optional for u in units) else "")))
    out = [title] if title else []
    head = ("unit", "projected" if projected else "points", "cases", "state")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    fmt = f"{{:<{widths[0]}}}  {{:>{widths[1]}}}  {{:>{widths[2]}}}  {{}}"
    out += [fmt.format(*head), fmt.format(*("-" * w for w in widths), "-----")]
    out += [fmt.format(*r) for r in rows]
    if projected:
        out.append("projected: what these visible cases would earn. Graded points come only from hidden draws of "
                   "the same cases\n(new inputs, values never shown), so code that is right, not just right on "
                   "these inputs, keeps them.")
    return "\n".join(out)


def junit(report: GradeReport) -> str:
    cases = []
    for u in report.units:
        for c in u.cases:
            body = "" if c.passed else f'<failure message="{escape(c.status, {chr(34): "&quot;"})}">' \
                                        f"{escape(case_line(c))}</failure>"
            cases.append(f'  <testcase classname="{u.key}" name="{escape(c.id)}" time="{c.seconds:.3f}">{body}'
                         f"</testcase>")
    failures = sum(not c.passed for u in report.units for c in u.cases)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<testsuite name="{report.assignment}" '
            f'tests="{len(cases)}" failures="{failures}">\n' + "\n".join(cases) + "\n</testsuite>\n")
