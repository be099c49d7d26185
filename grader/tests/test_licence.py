"""An institution can adopt the kit: an MIT licence, its SPDX expression in pyproject, a notice of every data and
model source the kit installs, and both files in every release (pyproject's license-files names them, so a
release without them would not even install)."""

import tomllib

import pytest

from grader.release import release_files
from grader.tree import TOOL_ROOT, Tree


def test_licence_notice_and_spdx_field():
    assert (TOOL_ROOT / "LICENSE").read_text().startswith("MIT License")
    project = tomllib.loads((TOOL_ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and set(project["license-files"]) == {"LICENSE", "NOTICE"}
    notice = (TOOL_ROOT / "NOTICE").read_text()
    for source, terms in (("Shakespeare", "Public domain"), ("SmolLM2-135M", "Apache License 2.0"),
                          ("lid.176", "CC BY-SA 3.0"), ("GPT-2", "Modified MIT")):
        line = next((p for p in notice.split("\n- ") if source in p), "")
        assert terms in line, f"NOTICE: {source} without its terms ({terms})"


@pytest.mark.parametrize("aid", ["a1", "a5"])
def test_every_release_carries_the_licence_and_says_what_may_be_shared(aid):
    tree = Tree(TOOL_ROOT)
    files = release_files(tree, tree.assignment(aid))
    assert files["LICENSE"] == (TOOL_ROOT / "LICENSE").read_bytes()
    assert files["NOTICE"] == (TOOL_ROOT / "NOTICE").read_bytes()
    assert "## Licence and sharing" in files["README.md"].decode()
