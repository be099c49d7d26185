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
