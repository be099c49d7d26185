"""`grader secret create|export|import`: the term's seed secrets, made once and shared by the course staff.

- `create -a a1 [--rotate]` is the only command that makes a term's secret. It first checks that this
  interpreter can import the assignment's cases and every reference target (so a wrong Python fails before
  anything is written), then draws the secret and the hidden instances from it.
- `export -a a1 [-a a2 ...] FILE` writes one zip (mode 0600) with each assignment's seed secret and its stored
  hidden instances (inputs and expected values as data, grader/store.py). A TA's machine on another CPU then
  grades exactly what Gradescope grades: nothing is recomputed there.
- `import FILE [--force]` checks each hidden file against its secret before writing, and refuses to replace a
  different secret already present unless told to.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

from grader import store
from grader.tree import Assignment, Tree, hidden_expected_path, secrets_dir, write_secret
from shared.cases import resolve_target


class SecretError(RuntimeError):
    pass


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, from its first byte (never world-readable, even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def check_environment(a: Assignment) -> None:
    """The cases and every reference target import here; else the fix (the project's venv)."""
    try:
        a.suite(hidden=True)
        for target in a.api().values():
            resolve_target(target)
    except ImportError as e:
        raise SecretError(f"{a.id}: this interpreter cannot import the assignment ({type(e).__name__}: {e}); "
                          f"run with the project's environment (`make venv`, then `.venv/bin/python -m grader "
                          f"...`); nothing was written") from None


def create(tree: Tree, aid: str, rotate: bool = False, log=print) -> None:
    from grader.expected import build

    a = tree.assignment(aid)
    path = secrets_dir() / f"{aid}.seed"
    if path.exists() and not rotate:
        raise SecretError(f"{aid} already has a seed secret at {path}; `--rotate` draws a new one (every hidden "
                          f"instance changes, so every submission must be graded again)")
    check_environment(a)
    write_secret(aid)
    build(a, visible=False, log=log)
    log(f"{aid}: seed secret at {path}; share it with `python -m grader secret export -a {aid} FILE`")


def export(aids: list[str], out: Path) -> Path:
    buf = io.BytesIO()
    manifest = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for aid in aids:
            seed, hidden = secrets_dir() / f"{aid}.seed", hidden_expected_path(aid)
            if not seed.exists():
                raise SecretError(f"no seed secret for {aid} at {seed}: nothing to export")
            secret = seed.read_text().strip()
            try:
                stored = store.load(hidden, aid, "hidden")
            except store.StoreError as e:
                raise SecretError(f"{aid}: {e}") from None
            if stored.secret_id != store.secret_id(secret):
                raise SecretError(f"{aid}: {hidden} was drawn from another secret; run `python -m grader build "
                                  f"-a {aid}` first")
            z.writestr(f"{aid}.seed", secret + "\n")
            z.writestr(f"{aid}.hidden.bin", hidden.read_bytes())
            manifest[aid] = stored.secret_id
        z.writestr("manifest.json", json.dumps({"format": 1, "secrets": manifest}, indent=1))
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_private(out, buf.getvalue())
    return out


def import_(path: Path, force: bool = False) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            manifest = json.loads(z.read("manifest.json"))["secrets"]
            files = {aid: (z.read(f"{aid}.seed").decode().strip(), z.read(f"{aid}.hidden.bin")) for aid in manifest}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise SecretError(f"{path} is not a secrets file made by `grader secret export` ({e})") from None
    # every file is checked before any is written
    for aid, (secret, hidden) in files.items():
        if store.secret_id(secret) != manifest[aid]:
            raise SecretError(f"{path}: {aid}'s secret does not match its manifest; export it again")
        tmp = secrets_dir() / f".{aid}.import-check"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:
            tmp.write_bytes(hidden)
            if store.load(tmp, aid, "hidden").secret_id != manifest[aid]:
                raise SecretError(f"{path}: {aid}'s hidden instances were drawn from another secret")
        except store.StoreError as e:
            raise SecretError(f"{path}: {aid}: {e}") from None
        finally:
            tmp.unlink(missing_ok=True)
        seed = secrets_dir() / f"{aid}.seed"
        if seed.exists() and seed.read_text().strip() != secret and not force:
            raise SecretError(f"{aid} already has a different seed secret at {seed}; `--force` replaces it (and "
                              f"its hidden instances) with the imported one")
    os.chmod(secrets_dir(), 0o700)
    for aid, (secret, hidden) in files.items():
        for name, data in ((f"{aid}.seed", (secret + "\n").encode()), (f"{aid}.hidden.bin", hidden)):
            _write_private(secrets_dir() / name, data)
    return sorted(files)

