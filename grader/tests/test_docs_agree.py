"""The counts the docs state agree with the rubrics: the README's units and points per assignment, and each
handout's points table (per part, the total, and the optional units' extra credit). A rubric edit that changes
points fails here until the docs say the same."""

import re

import pytest

from grader.tree import TOOL_ROOT, Tree

TREE = Tree(TOOL_ROOT)
AIDS = ["a1", "a2", "a3", "a4", "a5"]


def _section(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.strip().lstrip("§").split("."))


def _in(section: str, spec: str) -> bool:
    """Whether a unit's handout section (§3.4) lies in a table row's sections (§3.1–§3.7, §4 or §6)."""
    sec = _section(section)
    if "–" in spec:
        lo, hi = (_section(x) for x in spec.split("–"))
        return lo <= sec[: len(lo)] and sec[: len(hi)] <= hi
    want = _section(spec)
    return sec[: len(want)] == want


@pytest.mark.parametrize("aid", AIDS)
def test_readme_counts_match_the_rubric(aid):
    a = TREE.assignment(aid)
    required = [u for u in a.rubric.units.values() if not u.optional]
    row = next(line for line in (TOOL_ROOT / "README.md").read_text().splitlines()
               if line.startswith(f"| `{a.package}/` |"))
    m = re.search(r"(\d+) (?:graded )?units \((\d+) points\)", row)
    assert m, row
    assert (int(m.group(1)), float(m.group(2))) == (len(required), a.rubric.total_points), \
        f"README says {m.group(0)}; {a.package}/rubric.toml has {len(required)} units, {a.rubric.total_points:g} points"


@pytest.mark.parametrize("aid", AIDS)
def test_handout_points_table_matches_the_rubric(aid):
    a = TREE.assignment(aid)
    text = (a.package_dir / "HANDOUT.md").read_text()
    table = text[text.index("| part | sections | autograded points |"):].split("\n\n")[0].splitlines()[2:]
    units = list(a.rubric.units.values())
    extra = 0.0
    for line in table:
        cells = [c.strip() for c in line.strip("|").split("|")]
        part, sections, points = cells[0], cells[1], cells[2]
        if part == "**total**":
            assert float(points.strip("*")) == a.rubric.total_points, line
            continue
        if not points:
            continue
        optional = "extra credit" in points
        value = float(points.split()[0])
        extra += value if optional else 0.0
        specs = [s.strip() for s in sections.split(",")]
        got = sum(u.points for u in units if u.optional == optional and any(_in(u.handout, s) for s in specs))
        assert got == value, f"{aid} HANDOUT row '{part}' ({sections}) says {value:g}; the rubric gives {got:g}"
    assert extra == sum(u.points for u in units if u.optional)
