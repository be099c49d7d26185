"""The untrusted stage in both isolation modes: what a submission can and cannot reach.

bwrap mode needs root and the bubblewrap package (`.ci/run` installs it); on a machine without it these tests
say so, and in CI (CI=true) its absence is a failure, not a skip.
"""

import os

import pytest

from grader import sandbox
from grader.grade import grade
from grader.probe import IsolationRefused
from grader.tests.support import REFERENCE_OPS, write_submission
from grader.tree import TOOL_ROOT

BWRAP = sandbox.Isolation(sandbox.BWRAP)
DEGRADED = sandbox.Isolation(sandbox.DEGRADED, "forced by the test")


@pytest.fixture(scope="module")
def bwrap_available():
    iso = sandbox.detect()
    if iso.mode != sandbox.BWRAP:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test the real sandbox, but: {iso.reason}")
        pytest.skip(f"bwrap sandbox unavailable here: {iso.reason}")


def probe_submission(tmp_path, body: str):
    """ops.py whose add() runs `body` (which sets `result` to a string) and returns 0 when result is 'ok'."""
    code = REFERENCE_OPS.replace("return a + b", body.replace("\n", "\n    ") + "\n    return a + b if result == 'ok' else a * 0")
    return write_submission(tmp_path / "s", {"fx_numpy/ops.py": code})


def add_passed(report) -> bool:
    return next(u for u in report.units if u.key == "fx.add").status == "passed"


SECRET = f"{TOOL_ROOT}/grader/tests/fixture_tree/fx_numpy/hidden/__init__.py"


@pytest.mark.parametrize("what, body", [
    ("instructor tree", f"import os\nresult = 'ok' if not os.path.exists({SECRET!r}) else 'visible'"),
    ("secrets folder", f"import os\nresult = 'ok' if not os.path.exists({str(TOOL_ROOT / '.grader-secrets')!r}) else 'visible'"),
    ("unprivileged uid", "import os\nresult = 'ok' if os.getuid() >= 61000 and os.geteuid() != 0 else f'uid {os.getuid()}'"),
    ("own pid namespace", f"import os\nresult = 'ok' if not os.path.exists('/proc/{os.getpid()}') else 'sees the grader'"),
    ("read-only tree", "import pathlib\ntry:\n    pathlib.Path(__file__).write_text('x')\n    result = 'wrote'\n"
                       "except OSError:\n    result = 'ok'"),
])
def test_bwrap_blocks(fx_tree, tmp_path, bwrap_available, what, body):
    report = grade(fx_tree, "fx", probe_submission(tmp_path, body), isolation=BWRAP)
    assert not report.error, report.error
    assert "bwrap sandbox" in report.isolation
    assert add_passed(report), f"{what}: the probe saw {[c.message for c in report.units[0].cases][:1]}"


def test_no_route_to_the_hosts_network(fx_tree, tmp_path, bwrap_available):
    """A server listening on the host's loopback is reachable from a plain subprocess, not from the sandbox."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    body = (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    result = 'reached the host'\nexcept OSError:\n    result = 'ok'")
    try:
        assert add_passed(grade(fx_tree, "fx", probe_submission(tmp_path / "b", body), isolation=BWRAP))
        # the same probe outside the sandbox does reach it: the check above can fail (the probe is the suite's
        # own code, so it may run without isolation)
        assert not add_passed(grade(fx_tree, "fx", probe_submission(tmp_path / "d", body), isolation=DEGRADED,
                                    no_isolation=True))
    finally:
        server.close()


def test_loopback_works_inside_bwrap(fx_tree, tmp_path, bwrap_available):
    body = "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\nresult = 'ok'"
    assert add_passed(grade(fx_tree, "fx", probe_submission(tmp_path, body), isolation=BWRAP))


def test_degraded_mode_says_what_held_in_the_report(fx_tree, tmp_path):
    """With a uid drop (root, an interpreter the unprivileged uid can run) degraded mode grades and says so;
    without one it is no isolation: trusted code still grades with no_isolation, and the report says 'none'."""
    from grader.report import gradescope

    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS})
    if os.geteuid() == 0 and sandbox.degraded_uid_works():
        report = grade(fx_tree, "fx", sub, isolation=DEGRADED)
        assert report.isolation.startswith("degraded") and "probe: none" in report.isolation
    else:
        with pytest.raises(IsolationRefused):
            grade(fx_tree, "fx", sub, isolation=DEGRADED)
        report = grade(fx_tree, "fx", sub, isolation=DEGRADED, no_isolation=True)
        assert report.isolation.startswith("none: degraded") and "running as the grader's own user" in \
            report.isolation
    assert add_passed(report)
    assert report.isolation in gradescope(report)["output"]
