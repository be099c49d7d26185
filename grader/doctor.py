"""`make doctor` / `python -m grader doctor [-a a1]`: is this machine ready? Each item prints OK or the fix.

Python, numpy and torch versions, the CPU and its threads, free disk, then per assignment (a release: its own)
the modules its worker imports, the files it needs (rubric `needs`: a model, a data file), and whether the
worker really starts. Nothing is installed or written.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import shutil
import sys

from grader.tree import TOOL_ROOT, Assignment, Tree

MIN_PYTHON = (3, 11)
MIN_FREE_GB = 3.0  # the venv is about 2.4 GB


def _line(ok: bool, what: str, detail: str) -> tuple[bool, str]:
    return ok, f"{'OK  ' if ok else 'FIX '} {what}: {detail}"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_checks(root) -> list[tuple[bool, str]]:
    out = [_line(sys.version_info >= MIN_PYTHON, "python", f"{platform.python_version()} at {sys.executable}"
                 + ("" if sys.version_info >= MIN_PYTHON else
                    f": the kit needs {'.'.join(map(str, MIN_PYTHON))} or newer; make venv PYTHON=python3.12"))]
    for name in ("numpy", "torch"):
        try:
            version = importlib.import_module(name).__version__
            out.append(_line(True, name, version))
        except ImportError:
            out.append(_line(False, name, "not installed in this Python: run `make venv` (make test does it too)"))
    threads = os.cpu_count() or 1
    try:
        import torch

        threads_note = f", torch uses {torch.get_num_threads()} threads"
    except ImportError:
        threads_note = ""
    out.append(_line(True, "cpu", f"{_cpu()}, {threads} logical cores{threads_note}"))
    free = shutil.disk_usage(root).free / 2**30
    out.append(_line(free >= MIN_FREE_GB, "disk", f"{free:.1f} GB free"
                     + ("" if free >= MIN_FREE_GB else f": the environment needs about {MIN_FREE_GB:g} GB")))
    return out


def assignment_checks(a: Assignment, start_worker: bool = True) -> list[tuple[bool, str]]:
    out = []
    for module in a.rubric.preload:
        try:
            importlib.import_module(module)
            out.append(_line(True, f"{a.id} import", module))
        except Exception as e:  # noqa: BLE001 - any failure to import is the thing to report, with its type
            out.append(_line(False, f"{a.id} import", f"{module}: {type(e).__name__}: {e}; run `make venv` from "
                                                      f"the folder with the Makefile"))
    for need in a.rubric.needs:
        module, _, name = need.partition(":")
        try:
            found = getattr(importlib.import_module(module), name)()
            out.append(_line(True, f"{a.id} file", str(found)))
        except (FileNotFoundError, ImportError, AttributeError) as e:
            out.append(_line(False, f"{a.id} file", f"{need}: {e}"))
    if start_worker and all(ok for ok, _ in out):
        from grader.session import WorkerSession

        tool = None if (a.root / "grader").is_dir() else TOOL_ROOT
        session = WorkerSession(a.root, a.package, a.rubric.preload, tool)
        try:
            session.start()
            error = getattr(session, "boot_error", "")
        finally:
            session.close()
        out.append(_line(not error, f"{a.id} worker", error or f"starts ({session.isolation_label})"))
    return out


def doctor(tree: Tree, aid: str | None) -> int:
    marker = tree.root / ".lmfs-release"
    if aid is None and marker.exists():
        aid = marker.read_text().strip()
    checks = machine_checks(tree.root)
    assignments = [tree.assignment(aid)] if aid else list(tree.assignments().values())
    imports_ok = all(ok for ok, _ in checks)
    for a in assignments:
        checks += assignment_checks(a, start_worker=imports_ok)
    for _, line in checks:
        print(line)
    bad = sum(not ok for ok, _ in checks)
    print(f"doctor: {'everything is ready' if not bad else f'{bad} to fix (above)'}")
    return 0 if not bad else 1
