"""The forbidden-API scan resolves aliases and names the line; the student's own names are not flagged."""

import pytest

from grader.forbidden import scan, scan_units

PATTERNS = ["torch.softmax", "torch.nn.functional.*", ".softmax"]


@pytest.mark.parametrize("source, line", [
    ("import torch\ny = torch.softmax(x, -1)\n", 2),
    ("import torch as T\ny = T.softmax(x, -1)\n", 2),
    ("from torch import softmax as sm\ny = sm(x, -1)\n", 1),
    ("import torch.nn.functional as F\n", 1),
    ("from torch.nn import functional\ny = functional.relu(x)\n", 1),
    ("import torch\ny = torch.nn.functional.relu(x)\n", 2),
    ("def f(x):\n    return x.softmax(-1)\n", 2),
    ("import torch\nf = getattr(torch, 'softmax')\n", 2),
])
def test_flagged(source, line):
    hits = scan("pkg/m.py", source, PATTERNS, "pkg")
    assert hits and hits[0].line == line
    assert str(hits[0]).startswith(f"pkg/m.py:{line} uses ")


@pytest.mark.parametrize("source", [
    "import torch\ny = torch.exp(x)\n",
    "from pkg.nn.activations import softmax\ny = softmax(x, -1)\n",
    "from . import activations\ny = activations.softmax(x, -1)\n",
    "import pkg.nn.activations as act\ny = act.softmax(x, -1)\n",
    "class A:\n    def softmax(self, x):\n        return x\n    def f(self, x):\n        return self.softmax(x)\n",
    "def f(:\n",  # a syntax error is graded at import, not here
])
def test_not_flagged(source):
    assert scan("pkg/m.py", source, PATTERNS, "pkg") == []


def test_scan_units_covers_every_file():
    files = {"pkg/a.py": "x = 1\n", "pkg/helpers2.py": "import torch\ndef s(x):\n    return torch.softmax(x, 0)\n"}
    out = scan_units(files, {"a1.softmax": ["torch.softmax"], "a1.silu": []})
    assert out == {"a1.softmax": ["pkg/helpers2.py:3 uses torch.softmax (forbidden: torch.softmax)"]}


def test_unit_patterns_cover_own_and_helper_files_but_not_other_units_files():
    files = {"pkg/act.py": "def softmax(x):\n    return x\n",
             "pkg/decode.py": "import torch\ny = torch.softmax(x, 0)\n",
             "pkg/helpers2.py": "import torch\nz = torch.softmax(x, 0)\n"}
    owners = {"a1.softmax": {"pkg/act.py"}, "a1.decoding": {"pkg/decode.py"}}
    out = scan_units(files, {"a1.softmax": ["torch.softmax"], "a1.decoding": []}, [], owners)
    assert out == {"a1.softmax": ["pkg/helpers2.py:2 uses torch.softmax (forbidden: torch.softmax)"]}


# ---- dynamic look-ups the scan folds (literal names only), and what it must leave alone ----

@pytest.mark.parametrize("source, line", [
    ("import torch\nf = getattr(torch, 'soft' + 'max')\n", 2),
    ("import torch\nf = getattr(torch, f\"soft{'max'}\")\n", 2),
    ("import importlib\nm = importlib.import_module('torch')\ny = m.softmax(x, -1)\n", 3),
    ("import importlib\nF = importlib.import_module('torch.nn' + '.functional')\n", 2),
    ("y = __import__('torch').softmax(x, -1)\n", 1),
    ("t = __import__('torch.nn')\ny = t.softmax(x, -1)\n", 2),
    ("import torch\ny = torch.ops.aten._softmax(x, -1, False)\n", 2),
])
def test_dynamic_lookups_flagged(source, line):
    hits = scan("pkg/m.py", source, [*PATTERNS, "torch.ops.*"], "pkg")
    assert hits and hits[0].line == line, hits


@pytest.mark.parametrize("source", [
    "import torch\nname = 'exp'\nf = getattr(torch, name)\n",  # not a literal: the runtime watcher's job
    "import torch\nf = getattr(torch, 'ex' + 'p')\n",
    "import importlib\nm = importlib.import_module('.activations', 'pkg')\ny = m.softmax(x, -1)\n",
    "import importlib\nm = importlib.import_module('pkg.nn.activations')\ny = m.softmax(x, -1)\n",
])
def test_dynamic_lookups_not_flagged(source):
    assert scan("pkg/m.py", source, PATTERNS, "pkg") == []


@pytest.mark.parametrize("aid", ["a1", "a2", "a3", "a4", "a5"])
def test_references_are_clean_under_the_shared_scan(aid):
    from grader.forbidden import scan_assignment, student_files
    from grader.tree import TOOL_ROOT, Tree

    a = Tree(TOOL_ROOT).assignment(aid)
    files = student_files(a)
    assert len(files) >= 3  # the reference's own files were found, so the scan below saw them
    assert scan_assignment(a, files) == {}


# ---- the runtime watcher (torch), through the one executor, against a1's own cases ----

def _a1():
    from grader.tree import TOOL_ROOT, Tree

    return Tree(TOOL_ROOT).assignment("a1")


def _plan(units: set[str]):
    from grader.plan import generate, limits

    a = _a1()
    return generate(a.suite(hidden=False), None, a.hidden_names(), limits(a), only_units=units)


def _run_units(units: set[str], overrides: dict | None = None) -> dict:
    """a1's visible cases of `units`, run in-process through the executor grading uses."""
    from grader.plan import run_in_process
    from shared.cases import Impl

    a = _a1()
    return run_in_process(_plan(units), Impl(a.api(), overrides), a.package)


def _unit_verdict(unit: str, replies: dict):
    """The grader's verdict on `unit` from the replies (the watcher's hits are data in them)."""
    from grader.verdict import judge, score

    a = _a1()
    return next(u for u in score(a.rubric, judge(_plan({unit}), replies, {})) if u.key == unit)


def _softmax_direct(x, dim):
    import torch
    return torch.softmax(x, dim)


def _softmax_functional(x, dim):
    import torch.nn.functional as F
    return F.softmax(x, dim=dim)


def _softmax_method(x, dim):
    return x.softmax(dim)


def _softmax_dynamic(x, dim):
    import importlib
    return getattr(importlib.import_module("".join(["to", "rch"])), "".join(["soft", "max"]))(x, dim)


def _softmax_ops(x, dim):
    import torch
    return torch.ops.aten._softmax(x, dim, False)


def _silu_functional(x):
    import torch.nn.functional as F
    return getattr(F, "si" + "lu")(x)


def _sdpa_functional(q, k, v, mask=None):
    import torch.nn.functional as F
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def _cross_entropy_functional(logits, targets):
    import torch.nn.functional as F
    return F.cross_entropy(logits, targets)


@pytest.mark.parametrize("unit, target, cheat, op", [
    ("a1.softmax", "softmax", _softmax_direct, "aten._softmax"),
    ("a1.softmax", "softmax", _softmax_functional, "aten._softmax"),
    ("a1.softmax", "softmax", _softmax_method, "aten._softmax"),
    ("a1.softmax", "softmax", _softmax_dynamic, "aten._softmax"),
    ("a1.softmax", "softmax", _softmax_ops, "aten._softmax"),
    ("a1.silu", "silu", _silu_functional, "aten.silu"),
    # d_v != d_k takes SDPA's math path, whose own-kernel op is _safe_softmax
    ("a1.sdpa", "scaled_dot_product_attention", _sdpa_functional,
     "aten._scaled_dot_product_flash_attention_for_cpu aten._safe_softmax"),
    ("a1.cross_entropy", "cross_entropy", _cross_entropy_functional, "aten.nll_loss_forward aten._log_softmax"),
])
def test_watcher_catches_each_route_to_a_listed_op(unit, target, cheat, op):
    ops = op.split()
    replies = _run_units({unit}, {target: cheat})
    assert replies and all(any(w["op"] in ops for w in r.watched) for r in replies.values()), \
        {k: r.watched for k, r in replies.items()}
    assert {w["op"] for r in replies.values() for w in r.watched} == set(ops)
    assert all(cheat.__name__ in w["where"] for r in replies.values() for w in r.watched)
    # the grader's verdict from that data: the unit is forbidden and earns nothing, though the values are right

    u = _unit_verdict(unit, replies)
    assert u.status == "forbidden" and u.earned == 0 and any(o in u.detail for o in ops)
    assert _a1().rubric.units[unit].handout in u.detail


def test_watcher_is_silent_on_the_from_scratch_references():
    replies = _run_units({"a1.softmax", "a1.silu", "a1.sdpa", "a1.cross_entropy", "a1.moe"})
    assert {k: r.watched for k, r in replies.items() if r.watched} == {}
    assert sum(r.status == "ok" for r in replies.values()) >= 20  # the references ran (a few cases expect raises)


def test_watcher_ignores_the_harness_but_not_the_target():
    """A case's own code may use torch.softmax around the target call; only the target's code counts."""
    import numpy as np
    import torch

    from grader.execution import Executor, execute_here
    from shared.cases import Case, Impl, close

    def run(impl, inp):
        x = torch.from_numpy(inp["x"])
        return torch.softmax(impl.softmax(torch.softmax(x, -1), -1), -1).numpy()

    case = Case(name="t/harness", unit="a1.softmax", inputs=lambda rng: {}, compare=close(), run=run, seeds=(0,))
    a = _a1()
    req = {"id": "t", "kind": "case", "name": case.name, "inputs": {"x": np.ones((2, 3), np.float32)}}
    honest = execute_here(Executor({case.name: case}, {}, {}, Impl(a.api()), a.package), req)
    cheat = execute_here(Executor({case.name: case}, {}, {}, Impl(a.api(), {"softmax": _softmax_direct}),
                                  a.package), req)
    assert honest.status == "ok" and honest.watched == []
    assert [w["op"] for w in cheat.watched] == ["aten._softmax"] and "_softmax_direct" in cheat.watched[0]["where"]


# ---- student mode and grading: the same forbidden verdict for the same code (a minimal torch assignment) ----

FT_RUBRIC = '''[assignment]
id = "ft"
package = "ft_torch"
title = "ft: a one-unit torch assignment"
preload = ["numpy", "torch"]
student_files = ["ft_torch/**/*.py"]
protected = ["ft_torch/__init__.py", "ft_torch/api.py", "ft_torch/cases/**", "ft_torch/tests/**"]
time_limit_s = 30.0

[unit."ft.softmax"]
title = "softmax"
points = 2
handout = "§1"
targets = ["softmax"]
forbidden = ["torch.softmax", ".softmax"]
forbidden_ops = ["aten._softmax"]
'''
FT_CASES = '''import numpy as np

from shared.cases import Case, Suite, close


def _run(impl, inp):
    import torch
    return impl.softmax(torch.from_numpy(inp["x"]), -1).numpy()


def _expect(inp):
    e = np.exp(inp["x"] - inp["x"].max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


SUITE = Suite(cases=(Case(name="softmax/rows", unit="ft.softmax",
                          inputs=lambda rng: {"x": rng.standard_normal((3, 4)).astype(np.float32)},
                          compare=close(rtol=1e-5, atol=1e-6), run=_run, expect=_expect),))
'''
FT_REFERENCE = "import torch\n\n\ndef softmax(x, dim):\n    e = torch.exp(x - x.amax(dim, keepdim=True))\n" \
               "    return e / e.sum(dim, keepdim=True)\n"
FT_CHEATS = {
    # the static scan names this one; the watcher sees it too
    "static": "import torch\n\n\ndef softmax(x, dim):\n    return torch.softmax(x, dim)\n",
    # only the watcher can see this one
    "dynamic": "import torch\n\n\ndef softmax(x, dim):\n    return getattr(torch, ''.join(['soft', 'max']))(x, dim)\n",
}


@pytest.fixture(scope="module")
def ft_tree(tmp_path_factory):
    from grader.expected import build
    from grader.tree import Tree

    root = tmp_path_factory.mktemp("ft")
    files = {"ft_torch/__init__.py": "", "ft_torch/rubric.toml": FT_RUBRIC, "ft_torch/ops.py": FT_REFERENCE,
             "ft_torch/api.py": 'API = {"softmax": "ft_torch.ops:softmax"}\n', "ft_torch/cases/__init__.py": FT_CASES,
             "ft_torch/tests/conftest.py": "from grader.student import pytest_sessionfinish, "
                                           "pytest_unconfigure  # noqa: F401\n",
             "ft_torch/tests/test_cases.py": "from grader.student import case_test\n\n"
                                             "test_case = case_test('ft', __file__)\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    with pytest.MonkeyPatch.context() as mp:  # its own secrets, never the repository's
        mp.setenv("LMFS_SECRETS_DIR", str(tmp_path_factory.mktemp("ft-secrets")))
        tree = Tree(root)
        build(tree.assignment("ft"), log=lambda *a: None)
        yield tree


def _student_mode(tree, tmp_path, source: str) -> str:
    """The `ft.softmax` row of `grader test -a ft` in a checkout holding `source`."""
    import re
    import shutil
    import subprocess
    import sys

    checkout = tmp_path / "checkout"
    shutil.copytree(tree.root, checkout)
    (checkout / "ft_torch/ops.py").write_text(source)
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(checkout), "test", "-a", "ft"],
                          cwd=checkout, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    row = re.search(r"^ft\.softmax\s+(\S+)\s+\S+\s+(.*)$", out.split("ft progress (visible cases)")[-1], re.M)
    assert row, out[-3000:]
    return f"{row.group(1)} {row.group(2)}"


@pytest.mark.parametrize("kind", sorted(FT_CHEATS))
def test_student_mode_and_grading_give_the_same_forbidden_verdict(ft_tree, tmp_path, kind):
    from grader.grade import grade
    from grader.tests.support import write_submission

    report = grade(ft_tree, "ft", write_submission(tmp_path / "sub", {"ft_torch/ops.py": FT_CHEATS[kind]}))
    [unit] = report.units
    assert not report.error and unit.status == "forbidden" and unit.earned == 0, (report.error, unit)
    shown = _student_mode(ft_tree, tmp_path, FT_CHEATS[kind])
    assert shown.startswith("0/2 forbidden (")
    reason = "ft_torch/ops.py:5 uses torch.softmax" if kind == "static" else "called aten._softmax"
    assert reason in unit.detail and reason in shown


def test_student_mode_and_grading_pass_the_honest_softmax(ft_tree, tmp_path):
    from grader.grade import grade
    from grader.tests.support import write_submission

    report = grade(ft_tree, "ft", write_submission(tmp_path / "sub", {"ft_torch/ops.py": FT_REFERENCE}))
    assert report.units[0].status == "passed", report.units[0]
    assert _student_mode(ft_tree, tmp_path, FT_REFERENCE).startswith("2/2 passed")


def test_watcher_covers_the_methods_of_a_class_target():
    """A class target is exercised through its methods (here nn.Module.__call__ -> forward), not one call."""
    import torch

    from shared.cases import Impl

    reference = Impl(_a1().api()).MoEFeedForward

    class Cheating(reference):
        def forward(self, x):
            torch.softmax(x.float(), -1)  # one forbidden call on the way; the answer stays the reference's
            return super().forward(x)

    replies = _run_units({"a1.moe"}, {"MoEFeedForward": Cheating})
    hits = [w for r in replies.values() for w in r.watched]
    assert hits and all(w["op"] == "aten._softmax" and w["where"].endswith(" in forward") for w in hits)
    u = _unit_verdict("a1.moe", replies)
    assert u.status == "forbidden" and u.earned == 0


def test_importing_the_harness_is_forbidden():
    """The case definitions hold the oracles: calling them would launder a forbidden API through harness code."""
    from grader.forbidden import harness_imports

    src = ("from a1_basics.cases.activations import SUITE\nimport grader.plan\nfrom ..hidden import edge_cases\n"
           "import importlib\nm = importlib.import_module('a1_basics.cases')\nfrom shared.cases import service\n"
           "from shared.cases.service import call\nfrom . import rope\n")
    hits = harness_imports("a1_basics/nn/activations.py", src, "a1_basics")
    assert [h.line for h in hits] == [1, 2, 3, 5], [str(h) for h in hits]  # the service module is allowed
    assert "a1_basics.hidden.edge_cases" in str(hits[2])
    # an earlier assignment's cases and any tests are the harness too; its solved code and shared helpers are not
    src = ("from a1_basics.cases.decoding import top_p_oracle\nfrom a3_scaling.tests import test_cases\n"
           "from a1_basics.nn.model import TransformerLM\nfrom shared.config_cli import cli\n"
           "from shared import triton_mode\nimport a2_systems.hidden.flash_edges\n")
    hits = harness_imports("a5_alignment/dpo.py", src, "a5_alignment")
    assert [h.line for h in hits] == [1, 2, 6], [str(h) for h in hits]


def test_references_import_no_harness():
    from grader.forbidden import scan_assignment, student_files
    from grader.tree import TOOL_ROOT, Tree

    for aid, a in Tree(TOOL_ROOT).assignments().items():
        assert scan_assignment(a, student_files(a)) == {}, aid
