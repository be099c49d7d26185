"""Solution regions: the stubbed and stripped forms, and every malformed marker named with file and line."""

import ast

import pytest

from grader.markers import MarkerError, parse, strip, stub

SOURCE = '''import math

# BEGIN SOLUTION ONLY
def _helper(x):
    return x * 2
# END SOLUTION ONLY


class Model:
    def __init__(self, n):
        super().__init__()
        # BEGIN SOLUTION
        self.n = _helper(n)
        # END SOLUTION

    def forward(self, x):
        """Doubles x."""
        # BEGIN SOLUTION
        return x * self.n
        # END SOLUTION


def free(x):
    # BEGIN SOLUTION
    def inner(y):
        return math.sqrt(y)
    return inner(x)
    # END SOLUTION
'''


def test_stub_replaces_regions_and_deletes_solution_only_code():
    out = stub(SOURCE, "pkg/model.py", lambda q: {"Model.forward": "§2"}.get(q, "§1"))
    ast.parse(out)
    assert "_helper" not in out and "BEGIN" not in out and "sqrt" not in out
    assert 'raise NotImplementedError(\'pkg/model.py: Model.forward is not implemented yet (HANDOUT.md §2)\')' in out
    assert "pkg/model.py: Model.__init__ is not implemented yet (HANDOUT.md §1)" in out
    assert "pkg/model.py: free is not implemented yet" in out
    assert '        """Doubles x."""\n        raise NotImplementedError' in out  # docstring and indentation kept
    assert "super().__init__()" in out


def test_strip_keeps_code_and_drops_markers():
    out = strip(SOURCE, "pkg/model.py")
    assert "BEGIN" not in out and "END" not in out
    assert "_helper" in out and "return x * self.n" in out
    assert len(out.splitlines()) == len(SOURCE.splitlines()) - 8


@pytest.mark.parametrize("source, message", [
    ("def f():\n    #BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", "f.py:2: malformed solution marker"),
    ("def f():\n    # begin solution\n    return 1\n", "f.py:2: malformed"),
    ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", "f.py:3: '# BEGIN SOLUTION' inside the region opened at line 2"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "f.py:2: region is never closed"),
    ("def f():\n    return 1\n    # END SOLUTION\n", "f.py:3: '# END SOLUTION' closes no region"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION ONLY\n", "f.py:4: '# END SOLUTION ONLY' closes"),
    ("# BEGIN SOLUTION\nX = 1\n# END SOLUTION\n", "f.py:1: '# BEGIN SOLUTION' must be inside a function body"),
    ("def f():\n    # BEGIN SOLUTION\n    # END SOLUTION\n    return 1\n", "f.py:2: empty solution region"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n  # END SOLUTION\n", "f.py:4: '# END SOLUTION' is indented differently"),
])
def test_bad_markers_name_file_and_line(source, message):
    with pytest.raises(MarkerError) as e:
        stub(source, "f.py", lambda q: "")
    assert message in str(e.value)


def test_stub_that_leaves_invalid_code_is_an_error():
    source = "def f():\n    if True:\n        # BEGIN SOLUTION\n        return 1\n        # END SOLUTION\n    else:\n        pass\n"
    assert "raise NotImplementedError" in stub(source, "f.py", lambda q: "")
    broken = "def f():\n    x = (\n    # BEGIN SOLUTION\n    1)\n    # END SOLUTION\n"
    with pytest.raises(MarkerError):
        stub(broken, "f.py", lambda q: "")


def test_parse_finds_enclosing_qualnames():
    regions = parse(SOURCE, "m.py")
    assert [r.qualname for r in regions] == ["", "Model.__init__", "Model.forward", "free"]
