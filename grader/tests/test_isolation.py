"""The isolation probe, the refusal and the container mode (grader/probe.py, grader/container.py).

Without a uid drop (an instructor's laptop, played here with LMFS_DEGRADED_UID=off) degraded mode is no isolation
at all, so these tests check that grading refuses before any student code runs. Where student code does run, it
runs against an "instructor tree" the test makes in a fresh /tmp folder, never against the checkout, and it
writes only to canaries inside that folder.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader import container, probe, sandbox
from grader.grade import grade
from grader.probe import IsolationRefused
from grader.report import gradescope
from grader.tests.conftest import FIXTURE_ROOT
from grader.tests.support import REFERENCE_OPS, write_submission
from grader.tree import TOOL_ROOT, Tree

DEGRADED = sandbox.Isolation(sandbox.DEGRADED, "forced by the test")


def can_drop_uid() -> bool:
    return os.geteuid() == 0 and sandbox.degraded_uid_works()


@pytest.fixture
def no_uid_drop(monkeypatch):
    monkeypatch.setenv("LMFS_DEGRADED_UID", "off")


@pytest.fixture
def instructor(fx_tree):
    """A copy of the fixture tree in a fresh folder under /tmp (reachable by any uid, unlike pytest's tmp):
    folders 0755, every file 0600, as an instructor's tree on a shared machine should be. Tests loosen it."""
    base = Path(tempfile.mkdtemp(prefix="lmfs-instructor-"))
    os.chmod(base, 0o755)
    root = base / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    for path in root.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o600)
    os.chmod(root, 0o755)
    yield Tree(root)
    shutil.rmtree(base, ignore_errors=True)


def add_passed(report) -> bool:
    return next(u for u in report.units if u.key == "fx.add").status == "passed"


def canary_payload(root: Path) -> str:
    """ops.py whose add() tries to plant canaries in `root` (the test's own tree), rewrite its test file and read
    its reference; add() answers correctly only when every attempt failed."""
    body = (f"import pathlib\nroot = pathlib.Path({str(root)!r})\ngot = []\n"
            "for p in (root / 'CANARY', root / 'fx_numpy' / 'CANARY', root / 'fx_numpy' / 'tests' / 'test_cases.py'):\n"
            "    try:\n        p.write_text('assert True')\n        got.append('wrote ' + p.name)\n"
            "    except OSError:\n        pass\n"
            "try:\n    (root / 'fx_numpy' / 'ops.py').read_bytes()\n    got.append('read the reference')\n"
            "except OSError:\n    pass\n"
            "result = 'ok' if not got else ', '.join(got)")
    code = body.replace("\n", "\n    ")
    return REFERENCE_OPS.replace("    return a + b", f"    {code}\n    return a + b if result == 'ok' else a * 0")


def test_refuses_without_a_uid_drop_before_any_student_code_runs(fx_tree, tmp_path, no_uid_drop):
    canary = tmp_path / "ran"
    hostile = REFERENCE_OPS.replace("import numpy as np", f"import numpy as np\nopen({str(canary)!r}, 'w')")
    with pytest.raises(IsolationRefused) as e:
        grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": hostile}), isolation=DEGRADED)
    message = str(e.value)
    assert "--no-isolation" in message and "--container" in message
    assert "read" in message  # says what the probe could do
    assert "0700" not in message  # as the grader's own user, file modes protect nothing
    assert not canary.exists()


def test_the_cli_refuses_grade_and_batch(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "subs" / "alice", {"fx_numpy/ops.py": REFERENCE_OPS})
    env = {**os.environ, "LMFS_ISOLATION": "degraded", "LMFS_DEGRADED_UID": "off"}
    for args in (["grade", str(sub), "-a", "fx"],
                 ["batch", str(sub.parent), "-a", "fx", "--store", str(tmp_path / "s.sqlite")]):
        proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(fx_tree.root), *args],
                              capture_output=True, text=True, env=env, cwd=TOOL_ROOT, timeout=300)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "--no-isolation" in proc.stderr and "container" in proc.stderr, proc.stderr
    assert not (tmp_path / "s.sqlite").exists()  # the batch refused before its store was made


def test_no_isolation_grades_trusted_code_and_says_none(fx_tree, tmp_path, no_uid_drop):
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS}),
                   isolation=DEGRADED, no_isolation=True)
    assert not report.error, report.error
    assert add_passed(report)
    assert report.isolation.startswith("none:") and "--no-isolation" in report.isolation
    assert "none:" in gradescope(report)["output"]


def test_the_worker_cannot_touch_a_reachable_instructor_tree(instructor, tmp_path, isolation):
    if isolation.mode == sandbox.DEGRADED and not can_drop_uid():
        pytest.skip("degraded mode without a uid drop refuses (tested above)")
    tests_file = instructor.root / "fx_numpy" / "tests" / "test_cases.py"
    before = tests_file.read_bytes()
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": canary_payload(instructor.root)})
    report = grade(instructor, "fx", sub, isolation=isolation)
    assert not report.error, report.error
    assert "probe: none" in report.isolation
    assert add_passed(report), [c.message for c in report.units[0].cases][:1]
    assert not (instructor.root / "CANARY").exists() and not (instructor.root / "fx_numpy" / "CANARY").exists()
    assert tests_file.read_bytes() == before


@pytest.mark.parametrize("loosen, found", [
    ("reference", "read"),
    ("writable", "write"),
    ("frozen", "read"),
])
def test_the_probe_finds_what_the_workers_uid_reaches(instructor, tmp_path, loosen, found):
    if not can_drop_uid():
        pytest.skip("needs root and an interpreter the unprivileged uid can run")
    frozen = None
    if loosen == "reference":
        os.chmod(instructor.root / "fx_numpy" / "ops.py", 0o644)
    elif loosen == "writable":
        os.chmod(instructor.root / "fx_numpy", 0o777)
    else:
        frozen = instructor.root / "fx.frozen.bin"
        frozen.write_bytes(b"hidden expected values")
        os.chmod(frozen, 0o644)
    with pytest.raises(IsolationRefused) as e:
        grade(instructor, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS}),
              isolation=DEGRADED, frozen=frozen)
    assert f"could {found}" in str(e.value) or f"and {found}" in str(e.value), str(e.value)
    assert "0700" in str(e.value)  # with a uid drop, a private tree is a way out


def test_bwrap_hides_even_a_world_readable_tree(instructor, bwrap_or_skip):
    for path in instructor.root.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    if can_drop_uid():  # the same tree is exposed outside bwrap: the check below can fail
        assert probe.probe(instructor, DEGRADED).read
    line = probe.admit(instructor, bwrap_or_skip)
    assert line.startswith("bwrap sandbox") and "probe: none" in line


# A stand-in for docker: records its argv, answers the site-packages question with this interpreter's, and runs
# a container's command in bubblewrap as the --user uid, with only the folder bound at /lmfs/tree (at its own
# path) and a fresh scratch: what a container would see of this machine.
FAKE_RUNTIME = r'''#!{python}
import json, os, sys, sysconfig, tempfile
from pathlib import Path
sys.path.insert(0, {tool_root!r})
from grader.sandbox import bwrap_argv
with open(os.environ["FAKE_RUNTIME_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
args = sys.argv[1:]
if args[0] == "rm":
    sys.exit(0)
assert args[0] == "run"
i, env, user, tree = 1, {{}}, None, None
takes = {{"--name", "--network", "--cap-drop", "--security-opt", "--user", "--pids-limit", "--memory",
         "--memory-swap", "--ulimit", "--tmpfs", "--mount", "--workdir", "--env"}}
while args[i].startswith("-"):
    flag = args[i]
    if flag in takes:
        value = args[i + 1]
        if flag == "--env":
            k, _, v = value.partition("=")
            env[k] = v
        elif flag == "--user":
            user = int(value.split(":")[0])
        elif flag == "--mount":
            tree = dict(kv.partition("=")[::2] for kv in value.split(",") if "=" in kv)["source"]
        i += 2
    else:
        i += 1
inner = args[i + 1:]
if inner[:3] == ["python3", "-I", "-c"]:
    print(json.dumps(sorted({{sysconfig.get_paths()[k] for k in ("purelib", "platlib")}})))
    sys.exit(0)
scratch = tempfile.mkdtemp()
os.chown(scratch, user, user)
inner = [sys.executable if a == "python3" else (tree if a == "/lmfs/tree" else a) for a in inner]
env = {{k: v.replace("/lmfs/scratch", scratch) for k, v in env.items()}}
argv = [*bwrap_argv(Path(tree), Path(scratch), user), *inner]
os.execvpe(argv[0], argv, env)
'''


@pytest.fixture
def fake_docker(tmp_path, monkeypatch):
    if sandbox.detect().mode != sandbox.BWRAP:
        pytest.skip("the fake runtime confines with bubblewrap, which does not run here")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "docker"
    exe.write_text(FAKE_RUNTIME.format(python=sys.executable, tool_root=str(TOOL_ROOT)))
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "runtime.log"
    monkeypatch.setenv("FAKE_RUNTIME_LOG", str(log))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_container_mode_grades_through_the_runtime(fx_tree, tmp_path, fake_docker):
    iso = container.detect("lmfs-test-image", "docker")
    assert iso.mode == sandbox.CONTAINER and iso.site_dirs
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS}), isolation=iso)
    assert not report.error, report.error
    assert add_passed(report), [c.message for c in report.units[0].cases][:1]
    assert report.isolation.startswith("container: docker image lmfs-test-image")
    calls = [json.loads(line) for line in fake_docker.read_text().splitlines()]
    runs = [c for c in calls if c[0] == "run" and "--interactive" in c]
    assert len(runs) >= 2  # the probe and the worker, each in its own container
    for argv in runs:
        for flag, value in (("--network", "none"), ("--cap-drop", "ALL"), ("--user", "61000:61000")):
            assert argv[argv.index(flag) + 1] == value, argv
        assert "--read-only" in argv
        mounts = [argv[i + 1] for i, a in enumerate(argv) if a in ("--mount", "-v", "--volume")]
        assert len(mounts) == 1 and mounts[0].endswith(",target=/lmfs/tree,readonly"), mounts
        flags = argv[:argv.index("lmfs-test-image")]  # the runtime's own (the probe's command names what it tries)
        assert not any(str(fx_tree.root) in a for a in flags), "the instructor tree is never mounted"
        assert not any("LMFS_SECRETS_DIR" in a for a in flags), "nothing of the grader's environment enters"
    names = [argv[argv.index("--name") + 1] for argv in runs]
    removed = [c[2] for c in calls if c[:2] == ["rm", "--force"]]
    assert set(names) <= set(removed), "every container is removed when its worker is killed"


def test_container_mode_explains_a_missing_runtime_or_image(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(container.ContainerError, match="docker or podman"):
        container.detect("lmfs-grader")
    broken = tmp_path / "docker"
    broken.write_text("#!/bin/sh\necho 'Unable to find image' >&2\nexit 125\n")
    broken.chmod(0o755)
    with pytest.raises(container.ContainerError, match="docker build -t lmfs-grader"):
        container.detect("lmfs-grader")


# ---- the real thing: Podman, where it is installed and runs (not in CI) ----
# The image is built offline from this machine's own interpreter and numpy (no pull, no network): just enough to
# grade the fixture assignment, and nothing of the instructor's.
def _image_files() -> dict[str, Path]:
    """path in the image -> path here."""
    import sysconfig

    import numpy

    prefix = Path(sys.base_prefix)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "test", "__pycache__", "idlelib", "tkinter", "ensurepip"}
    files = {str(p): p for p in stdlib.rglob("*") if p.is_file() and not skip & set(p.relative_to(stdlib).parts)}
    files |= {str(p): p for p in (prefix / "lib").glob("libpython3*.so*")}
    exe = Path(sys.executable).resolve()
    files[str(exe)] = exe
    # where the image's interpreter (outside any venv, as in the container) looks for packages
    site = Path(subprocess.run([str(Path(sys.executable).resolve()), "-I", "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    numpy_dir = Path(numpy.__file__).parent
    for p in [*numpy_dir.rglob("*"), *numpy_dir.parent.glob("numpy.libs/*")]:
        if p.is_file() and "__pycache__" not in p.parts:
            files[str(site / p.relative_to(numpy_dir.parent))] = p
    libs = set()
    for p in [exe, *(p for p in files.values() if ".so" in p.name)]:
        out = subprocess.run(["ldd", str(p)], capture_output=True, text=True).stdout
        libs |= {w for line in out.splitlines() for w in line.split() if w.startswith("/") and "=>" in line
                 or w.startswith("/lib64/")}
    # numpy's own libraries (found through $ORIGIN) are already in site-packages
    libs = {os.path.normpath(lib) for lib in libs}
    files |= {lib: Path(lib) for lib in libs if not lib.startswith((str(prefix), str(numpy_dir.parent)))}
    files["/usr/local/bin/python3"] = exe
    return files


@pytest.fixture(scope="session")
def podman(tmp_path_factory):
    exe = shutil.which("podman")
    if exe is None:
        pytest.skip("podman is not installed (container mode is tested up to the runtime above)")
    import tarfile

    tmp = tmp_path_factory.mktemp("image")
    with tarfile.open(tmp / "rootfs.tar", "w") as tar:
        for inside, here in sorted(_image_files().items()):
            tar.add(here.resolve(), arcname=inside.lstrip("/"), recursive=False)
        info = tarfile.TarInfo("tmp")  # the runtime mounts a tmpfs here and at /lmfs/...: their mode is its own
        info.type, info.mode = tarfile.DIRTYPE, 0o1777
        tar.addfile(info)
    image = "localhost/lmfs-suite-fx"
    subprocess.run([exe, "import", str(tmp / "rootfs.tar"), image], capture_output=True, check=True, timeout=600)
    # crun refuses cgroup v1 hybrid hosts; runc runs there. CONTAINERS_CONF reaches the client, not the container.
    conf = tmp / "containers.conf"
    conf.write_text('[engine]\nruntime = "runc"\n' if shutil.which("runc") else "")
    os.environ["CONTAINERS_CONF"] = str(conf)
    try:
        iso = container.detect(image, "podman")
    except container.ContainerError as e:
        pytest.skip(f"podman does not run containers here: {e}")
    yield iso
    os.environ.pop("CONTAINERS_CONF", None)
    subprocess.run([exe, "rmi", "--force", image], capture_output=True, timeout=120)


def test_a_real_container_holds(fx_tree, instructor, tmp_path, podman):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    checks = (f"import os, pathlib, socket\nroot = pathlib.Path({str(instructor.root)!r})\ngot = []\n"
              "if os.getuid() < 61000 or os.geteuid() == 0:\n    got.append('uid')\n"
              f"if os.path.exists('/proc/{os.getpid()}') or root.exists() or pathlib.Path({str(TOOL_ROOT)!r}).exists():\n"
              "    got.append('sees the host')\n"
              "for p in ('/CANARY', '/usr/CANARY', str(root / 'CANARY')):\n    try:\n        open(p, 'w')\n"
              "        got.append('wrote ' + p)\n    except OSError:\n        pass\n"
              f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    got.append('network')\n"
              "except OSError:\n    pass\nopen('scratch-is-writable', 'w').write('x')\n"
              "result = 'ok' if not got else ', '.join(got)")
    code = checks.replace("\n", "\n    ")
    ops = REFERENCE_OPS.replace("    return a + b", f"    {code}\n    return a + b if result == 'ok' else a * 0")
    try:
        report = grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": ops}), isolation=podman)
    finally:
        server.close()
    assert not report.error, report.error
    assert report.isolation.startswith("container: podman") and "probe: none" in report.isolation
    assert add_passed(report), [c.message for c in report.units[0].cases][:1]
    assert not (instructor.root / "CANARY").exists()


def test_a_killed_worker_takes_its_container_along(fx_tree, tmp_path, podman):
    ops = REFERENCE_OPS.replace("    return a + b", "    import time\n    time.sleep(1000)\n    return a + b")
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": ops}), isolation=podman)
    assert not report.error, report.error
    assert "timed out" in " | ".join(c.message for c in report.units[0].cases)
    left = subprocess.run([podman.runtime, "ps", "--all", "--format", "{{.Names}}"], capture_output=True,
                          text=True, timeout=60).stdout.split()
    assert not [n for n in left if n.startswith(f"lmfs-worker-{os.getpid()}-")], left
