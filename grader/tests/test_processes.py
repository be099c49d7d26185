"""The process table from /proc (Linux) and from `ps` (macOS has no /proc) name the same descendants, and
kill_tree leaves none of them, whichever is used."""

import os
import subprocess
import sys
import time

import pytest

from grader import processes

# a child that forks a grandchild, both sleeping: a tree of three
TREE = "import os, time\nif os.fork() == 0:\n    time.sleep(60)\nelse:\n    time.sleep(60)\n"


@pytest.fixture
def tree():
    p = subprocess.Popen([sys.executable, "-c", TREE], start_new_session=True)
    deadline = time.monotonic() + 10
    while not processes.descendants(p.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    yield p
    processes.kill_tree(p.pid)
    p.wait(timeout=10)


def _without_proc(monkeypatch):
    real = os.path.isdir
    monkeypatch.setattr(processes.os.path, "isdir", lambda p: False if p == "/proc/self" else real(p))


def test_ps_and_proc_find_the_same_descendants_and_memory(tree, monkeypatch):
    from_proc, rss_proc = processes.descendants(tree.pid), processes.tree_rss(tree.pid)
    _without_proc(monkeypatch)
    from_ps, rss_ps = processes.descendants(tree.pid), processes.tree_rss(tree.pid)
    assert len(from_proc) == 1 and from_ps == from_proc
    # both read the kernel's resident set size of the same two processes, at slightly different moments
    assert rss_proc > 1 << 20 and abs(rss_ps - rss_proc) < 0.2 * rss_proc


def test_kill_tree_without_proc_leaves_nothing(tree, monkeypatch):
    grandchild = processes.descendants(tree.pid)[0]
    _without_proc(monkeypatch)
    processes.kill_tree(tree.pid)
    tree.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{grandchild}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break  # killed, waiting for init to reap it
        except FileNotFoundError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"grandchild {grandchild} survived kill_tree")
