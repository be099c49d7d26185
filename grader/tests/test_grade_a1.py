"""The real a1 through the whole grader, a few times only (the machinery is tested on fx): the pasting
property in a real release, and a hostile submission that tries the attacks the two-stage design defeats."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import markers
from grader.expected import ensure_hidden
from grader.grade import grade
from grader.release import write_release
from grader.tests.support import write_submission
from grader.tree import TOOL_ROOT, Tree

TREE = Tree(TOOL_ROOT)
PKG = TOOL_ROOT / "a1_basics"


@pytest.fixture(scope="module", autouse=True)
def hidden_expected():
    ensure_hidden(TREE.assignment("a1"), log=lambda *a: None)


def reference_body(rel: str, qualname: str) -> str:
    """The lines of the reference's solution region inside `qualname`."""
    source = (TOOL_ROOT / rel).read_text()
    region = next(r for r in markers.parse(source, rel) if r.qualname == qualname)
    return "".join(source.splitlines(keepends=True)[region.begin: region.end - 1])


def progress(release: Path) -> tuple[str, dict[str, str]]:
    proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "a1"], cwd=release, capture_output=True,
                          text=True, timeout=600)
    out = proc.stdout + proc.stderr
    table = out.split("a1 progress (visible cases)")[1]
    return out, {m.group(1): m.group(2).strip() for m in re.finditer(r"^(a1\.\w+)\s+\S+\s+\S+\s+(.*)$", table, re.M)}


def test_pasting_silu_back_changes_only_silu_and_what_it_blocked(tmp_path):
    release = write_release(TREE, TREE.assignment("a1"), tmp_path / "a1-release")
    out, before = progress(release)
    assert "a1_basics/nn/activations.py: silu is not implemented yet (HANDOUT.md §3.4)" in out
    assert before["a1.swiglu"] == "blocked by a1.linear, a1.silu"
    target = release / "a1_basics/nn/activations.py"
    stub_line = "    raise NotImplementedError('a1_basics/nn/activations.py: silu is not implemented yet (HANDOUT.md §3.4)')\n"
    text = target.read_text()
    assert stub_line in text
    target.write_text(text.replace(stub_line, reference_body("a1_basics/nn/activations.py", "silu")))
    _, after = progress(release)
    assert after["a1.silu"] == "passed"
    assert after["a1.swiglu"] == "blocked by a1.linear"
    assert {k for k in before if before[k] != after[k]} == {"a1.silu", "a1.swiglu"}


def test_hostile_a1_submission_gains_nothing(tmp_path):
    files = {f"a1_basics/nn/{n}.py": (PKG / "nn" / f"{n}.py").read_text()
             for n in ("linear", "embedding", "rmsnorm", "activations", "attention", "rope")}
    files = {k: markers.strip(v, k) for k, v in files.items()}
    # softmax through torch.softmax: correct values, forbidden API.
    files["a1_basics/nn/activations.py"] = files["a1_basics/nn/activations.py"].replace(
        "shifted = x - x.amax(dim=dim, keepdim=True)", "return torch.softmax(x, dim)")
    # RMSNorm returns zeros after disabling every comparison it can reach in its own process.
    files["a1_basics/nn/rmsnorm.py"] = files["a1_basics/nn/rmsnorm.py"].replace(
        "def forward(self, x: Tensor) -> Tensor:", "def forward(self, x: Tensor) -> Tensor:\n"
        "        import numpy.testing, torch.testing\n"
        "        numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "        torch.testing.assert_close = lambda *a, **k: None\n"
        "        torch.allclose = lambda *a, **k: True\n"
        "        open('results.json', 'w').write('{\"score\": 28}')\n"
        "        return torch.zeros_like(x)\n", 1)
    # Embedding leaves the process before answering.
    files["a1_basics/nn/embedding.py"] = files["a1_basics/nn/embedding.py"].replace(
        "def forward(self, token_ids: Tensor) -> Tensor:", "def forward(self, token_ids: Tensor) -> Tensor:\n"
        "        import os\n        os._exit(0)\n", 1)
    assert files["a1_basics/nn/embedding.py"].count("os._exit") == 1 and "torch.softmax" in files[
        "a1_basics/nn/activations.py"] and "zeros_like" in files["a1_basics/nn/rmsnorm.py"]
    report = grade(TREE, "a1", write_submission(tmp_path / "s", files))
    assert not report.error, report.error
    states = {u.key: u.status for u in report.units}
    earned = {u.key: u.earned for u in report.units}
    assert states["a1.softmax"] == "forbidden" and earned["a1.softmax"] == 0
    assert "a1_basics/nn/activations.py" in next(u.detail for u in report.units if u.key == "a1.softmax")
    assert states["a1.rmsnorm"] == "wrong"
    assert earned["a1.rmsnorm"] < 3  # only cases that never call forward (the state dict) can pass
    embedding = next(u for u in report.units if u.key == "a1.embedding")
    assert earned["a1.embedding"] < 3 and any("crashed" in c.message for c in embedding.cases)
    for key in ("a1.linear", "a1.silu", "a1.swiglu", "a1.sdpa", "a1.rope"):
        assert states[key] == "passed", (key, states[key])
    pilot = {"a1.linear", "a1.embedding", "a1.rmsnorm", "a1.silu", "a1.swiglu", "a1.softmax", "a1.sdpa", "a1.rope"}
    assert sum(earned[k] for k in pilot) < 28 - 3 - 3  # of the pilot's 28 points: softmax's 3 and most of two more


def _state_word(state: str) -> str:
    """A progress-table state as its status word: `blocked by a1.linear` -> blocked, `forbidden (...)` ->
    forbidden, dropping the optional mark."""
    state = state.replace(" · optional", "")
    return "blocked" if state.startswith("blocked") else state.split(" (")[0]


def test_walkthrough_local_status_equals_graded(tmp_path):
    """A student's walk through a fresh a1 release: implement linear and silu by pasting the reference, write
    a softmax that forgets the max shift (a typical bug), and import torch.nn.functional in rmsnorm.py (a
    forbidden API). The local run ends with the verdict line and names each problem; then the zip that
    `grader submit` writes is graded, and every unit's graded status equals its local one."""
    from grader.report import STATUS_WORDS

    release = write_release(TREE, TREE.assignment("a1"), tmp_path / "a1-release")
    nn = release / "a1_basics" / "nn"
    (nn / "linear.py").write_text((PKG / "nn" / "linear.py").read_text())
    act = nn / "activations.py"
    text = act.read_text()
    for name, body in (("silu", reference_body("a1_basics/nn/activations.py", "silu")),
                       ("softmax", "    exps = torch.exp(x)\n    return exps / exps.sum(dim=dim, keepdim=True)\n")):
        stub = next(line for line in text.splitlines(keepends=True) if f": {name} is not implemented yet" in line)
        text = text.replace(stub, body)
    act.write_text(text)
    rms = nn / "rmsnorm.py"
    rms.write_text(rms.read_text() + "\nimport torch.nn.functional as F  # noqa: E402, F401\n")

    out, local = progress(release)
    last = out.strip().splitlines()[-1]
    assert last.startswith("a1: 2/"), last  # linear and silu pass
    # the first unfinished unit in dependency order (the rubric's order for a1)
    assert "next: a1.embedding (not implemented, HANDOUT.md §3.2): make test A=a1 U=embedding" in last, last
    assert "a1.rmsnorm: graded 0, it uses a forbidden API" in out, out[-3000:]
    assert "a1.softmax (" in out and "case softmax/" in out
    assert local["a1.linear"] == "passed" and local["a1.silu"] == "passed"
    assert local["a1.softmax"] == "wrong" and local["a1.rmsnorm"].startswith("forbidden")

    proc = subprocess.run([sys.executable, "-m", "grader", "submit", "-a", "a1", "--no-test", "--out", "s.zip"],
                          cwd=release, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = grade(TREE, "a1", release / "s.zip")
    graded = {u.key: STATUS_WORDS.get(u.status, u.status) for u in report.units}
    differ = {k: (_state_word(v), graded[k]) for k, v in local.items() if _state_word(v) != graded[k]}
    assert not differ, differ
