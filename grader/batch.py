"""`grader batch DIR -a a1 --jobs 2`: grade a folder (or zip) of submissions in parallel into a resumable store.

Each submission is a sub-folder or a .zip of DIR (a zip of such entries is unpacked first). The store is SQLite
(WAL mode): a row is written 'running' before grading and replaced by its result in one transaction after, so a
`kill -9` loses only the submissions in flight, and a rerun grades exactly those again and skips every finished
one whose content and grading key are unchanged. The grading key (`grading_key`) digests everything a score
depends on besides the submission: the rubric, the cases and hidden drivers, the snapshot, the hidden instances
(the term's or `--frozen`), the seed secret and the grader's own code, so a rotated secret, a changed rubric or
an edited case regrades. A submission whose grading failed is stored as 'failed', makes the batch exit non-zero
and is graded again on the next run. `--regrade` grades everything again, `--only NAME` one submission. Each row
keeps the score, the per-case results, the duration, the isolation level and the grader version. `export`
writes a gradebook CSV and each student's results.json.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import sqlite3
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader import sandbox
from grader.grade import grade
from grader.probe import admit
from grader.report import GRADER_VERSION, gradescope
from grader.store import StoreError, load
from grader.tree import TOOL_ROOT, Assignment, Tree, hidden_expected_path, secrets_dir


class BatchError(RuntimeError):
    """The batch cannot grade at all (no hidden instances for this term): nothing is graded or stored."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    assignment TEXT NOT NULL,
    submission TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    state TEXT NOT NULL,              -- running | done | failed
    grading_key TEXT,                 -- grading_key() when it was graded: a changed key regrades
    error TEXT,                       -- why grading failed (state failed)
    submitters TEXT,                  -- who (Gradescope export metadata), when known
    score REAL, max_score REAL,
    results_json TEXT,                -- the Gradescope results.json
    cases_json TEXT,                  -- per-case id, unit, status, seconds
    isolation TEXT, grader_version TEXT,
    seconds REAL, started_at REAL, finished_at REAL,
    PRIMARY KEY (assignment, submission)
);
"""


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path
    sha: str
    submitters: str = ""  # from Gradescope's export: "Name <email> (sid)", "; " between group members


def _key(entry: dict, name: str):
    """Gradescope's YAML writes Ruby symbols (`:submitters`); plain keys are read too."""
    return entry.get(f":{name}", entry.get(name))


def gradescope_submitters(source: Path) -> dict[str, str]:
    """submission folder -> who submitted it, from the `submission_metadata.yml` of Gradescope's "Export
    Submissions" zip (one `submission_<id>/` folder per submission beside it); {} without one."""
    meta = source / "submission_metadata.yml"
    if not meta.exists():
        return {}
    import yaml

    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{meta} is not readable YAML ({e}); re-download the export from Gradescope") from None
    out = {}
    for folder, entry in data.items() if isinstance(data, dict) else []:
        people = _key(entry, "submitters") if isinstance(entry, dict) else None
        who = []
        for p in people or []:
            if isinstance(p, dict):
                name, email, sid = (_key(p, k) or "" for k in ("name", "email", "sid"))
                who.append(f"{name} <{email}>" + (f" (sid {sid})" if sid else ""))
        out[str(folder)] = "; ".join(who)
    return out


def content_sha(path: Path) -> str:
    """A hash of a submission's files (names and bytes), the same for a folder and its zip."""
    h = hashlib.sha256()
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    if not info.is_dir():
                        h.update(info.filename.encode() + b"\0" + z.read(info) + b"\0")
            return h.hexdigest()
        except zipfile.BadZipFile:
            return hashlib.sha256(path.read_bytes()).hexdigest()
    for p in sorted(path.rglob("*")):
        if p.is_file() and not p.is_symlink():
            h.update(p.relative_to(path).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _safe_unzip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            p = PurePosixPath(info.filename)
            if p.is_absolute() or ".." in p.parts or info.is_dir():
                continue
            target = dest / Path(*p.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))


def find_submissions(source: Path, work: Path) -> list[Submission]:
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{source} is neither a folder of submissions nor a zip of them")
        _safe_unzip(source, work / "unpacked")
        source = work / "unpacked"
    if not source.is_dir():
        raise FileNotFoundError(f"no folder of submissions at {source}")
    entries = [p for p in sorted(source.iterdir()) if p.is_dir() or p.suffix == ".zip"]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "submission_metadata.yml").exists():
        source = entries[0]  # Gradescope's export zip holds one folder named after the assignment
        entries = [p for p in sorted(source.iterdir()) if p.is_dir() or p.suffix == ".zip"]
    if not entries:
        raise ValueError(f"{source} holds no submissions (one sub-folder or .zip per student)")
    who = gradescope_submitters(source)
    return [Submission(name, p, content_sha(p), who.get(name, ""))
            for p in entries for name in [p.stem if p.suffix == ".zip" else p.name]]


def _tree_digest(h: hashlib._Hash, root: Path, label: str) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() \
        else ([root] if root.is_file() else [])
    h.update(f"\0{label}:{len(files)}".encode())
    for p in files:
        h.update(p.relative_to(root if root.is_dir() else root.parent).as_posix().encode() + b"\0" + p.read_bytes())


def default_store(aid: str) -> Path:
    """Where a term's batch store lives unless told: outside out/, which `make clean` removes."""
    return TOOL_ROOT / ".grader-batches" / f"{aid}.sqlite"


def hidden_file(a: Assignment, frozen: Path | None) -> Path:
    """The hidden instances a batch grades from, checked before anything is graded: a missing or unreadable file
    (a TA's clone without the term's secret) refuses the batch with the fix instead of storing zeros."""
    path = frozen or hidden_expected_path(a.id)
    try:
        load(path, a.id, "hidden")
    except StoreError as e:
        raise BatchError(f"cannot grade {a.id}: {e} (or import the term's secret and hidden instances, or pass "
                         f"--frozen with a Gradescope package's copy)") from None
    return path


def grading_key(a: Assignment, frozen: Path | None) -> str:
    """A digest of everything a score depends on besides the submission (see the module docstring)."""
    h = hashlib.sha256()
    for label, path in (("rubric", a.package_dir / "rubric.toml"), ("cases", a.package_dir / "cases"),
                        ("hidden", a.package_dir / "hidden"), ("api", a.package_dir / "api.py"),
                        ("stored", frozen or hidden_expected_path(a.id)), ("seed", secrets_dir() / f"{a.id}.seed"),
                        ("grader", TOOL_ROOT / "grader"), ("shared", TOOL_ROOT / "shared")):
        if label in ("grader", "shared"):
            for p in sorted(path.rglob("*.py")):
                if "tests" not in p.relative_to(path).parts:
                    h.update(p.relative_to(TOOL_ROOT).as_posix().encode() + b"\0" + p.read_bytes())
        else:
            _tree_digest(h, path, label)
    return h.hexdigest()[:32]


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            have = {r[1] for r in db.execute("PRAGMA table_info(results)")}
            for column in ("grading_key", "error", "submitters"):  # a store written before these columns existed
                if column not in have:
                    db.execute(f"ALTER TABLE results ADD COLUMN {column} TEXT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # subtle: `with sqlite3.connect(...)` only commits; it never closes. Every connection is closed here, so
        # no open handle (or its lock state) is ever inherited by a process of the grading pool.
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def done(self, aid: str) -> dict[str, tuple[str, str]]:
        """submission -> (content hash, grading key), for finished rows (failed ones are graded again)."""
        with self._connect() as db:
            return {s: (sha, key) for s, sha, key in db.execute(
                "SELECT submission, content_sha, grading_key FROM results WHERE assignment=? AND state='done'",
                (aid,)).fetchall()}

    def start(self, aid: str, s: Submission) -> None:
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO results (assignment, submission, content_sha, state, started_at, "
                       "submitters) VALUES (?, ?, ?, 'running', ?, ?)", (aid, s.name, s.sha, time.time(),
                                                                        s.submitters or None))

    def finish(self, aid: str, s: Submission, results: dict, cases: list[dict], isolation: str, seconds: float,
               score: float, max_score: float, key: str, error: str = "") -> None:
        """Store a result: 'done', or 'failed' with `error` (grading itself failed; retried on the next run)."""
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE results SET state=?, score=?, max_score=?, results_json=?, cases_json=?, "
                       "isolation=?, grader_version=?, seconds=?, finished_at=?, grading_key=?, error=? "
                       "WHERE assignment=? AND submission=?",
                       ("failed" if error else "done", score, max_score, json.dumps(results), json.dumps(cases),
                        isolation, GRADER_VERSION, seconds, time.time(), key, error or None, aid, s.name))
            db.execute("COMMIT")

    def rows(self, aid: str) -> list[sqlite3.Row]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return db.execute("SELECT * FROM results WHERE assignment=? ORDER BY submission", (aid,)).fetchall()


@dataclass
class BatchSummary:
    graded: list[str]
    skipped: list[str]
    seconds: float
    failed: list[str] = field(default_factory=list)


def run_batch(tree: Tree, aid: str, source: Path, store_path: Path, jobs: int = 2, regrade: bool = False,
              log: Callable[[str], None] = print, isolation: sandbox.Isolation | None = None,
              no_isolation: bool = False, frozen: Path | None = None,
              only: set[str] | None = None) -> BatchSummary:
    """Raises probe.IsolationRefused before grading anything where the workers could reach the instructor's
    files, unless `no_isolation` says every submission is trusted, and BatchError where there are no hidden
    instances to grade from. `only` grades just those submissions (again, whatever the store holds)."""
    a = tree.assignment(aid)
    hidden_file(a, frozen)  # no hidden instances: refuse now, before anything is stored
    isolation = isolation or sandbox.detect()
    admit(tree, isolation, 0, frozen, no_isolation)  # refuse the whole batch up front, not one zero per student
    key = grading_key(a, frozen)
    store = Store(store_path)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lmfs-batch-") as tmp:
        subs = find_submissions(source, Path(tmp))
        if only is not None:
            unknown = sorted(only - {s.name for s in subs})
            if unknown:
                raise BatchError(f"no submission named {', '.join(unknown)} in {source}")
            subs = [s for s in subs if s.name in only]
        finished = {} if regrade or only is not None else store.done(aid)
        todo = [s for s in subs if finished.get(s.name) != (s.sha, key)]
        skipped = [s.name for s in subs if s not in todo]
        if skipped:
            log(f"{len(skipped)} already graded (same content, same rubric, cases, secret and grader), skipped; "
                f"--regrade grades them again")
        # Processes, not threads: the grader's own work (inputs, verdicts) holds the GIL, and each job needs its
        # own unprivileged uid, which the pool's initializer hands out once per process.
        # spawn, not fork: a forked child would inherit the parent's SQLite and torch state
        # Jobs never time a case at once: every timed sequence holds the machine-wide flock of grader/timing.py.
        ctx = multiprocessing.get_context("spawn")
        counter = ctx.Value("i", 0)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_slot,
                                 initargs=(counter,)) as pool:
            futures = [pool.submit(_grade_one, tree, aid, s, store_path, isolation, no_isolation, frozen, key)
                       for s in todo]
            graded, failed = [], []
            for f in futures:
                name, line, ok = f.result()
                (graded if ok else failed).append(name)
                log(line)
    return BatchSummary(graded, skipped, time.perf_counter() - started, failed)


_SLOT = 0


def _init_slot(counter) -> None:
    global _SLOT
    with counter.get_lock():
        _SLOT = counter.value
        counter.value += 1


def _grade_one(tree: Tree, aid: str, s: Submission, store_path: Path, isolation: sandbox.Isolation,
               no_isolation: bool, frozen: Path | None, key: str) -> tuple[str, str, bool]:
    """(name, log line, graded): a grading failure (the grader's, not the submission's) is stored as failed."""
    store = Store(store_path)
    store.start(aid, s)
    t0 = time.perf_counter()
    report = grade(tree, aid, s.path, isolation=isolation, job=_SLOT, frozen=frozen, no_isolation=no_isolation)
    cases = [{"id": c.id, "unit": c.unit, "status": c.status, "seconds": round(c.seconds, 4)}
             for u in report.units for c in u.cases]
    results = gradescope(report)
    store.finish(aid, s, results, cases, report.isolation, time.perf_counter() - t0, results["score"],
                 report.max_score, key, report.error)
    if report.error:
        return s.name, f"{s.name}: GRADING FAILED ({report.error}); stored as failed, graded again next run", False
    return s.name, f"{s.name}: {results['score']:g}/{report.max_score:g}", True


def export(store_path: Path, aid: str, out_dir: Path) -> Path:
    """A gradebook CSV (one row per submission) and each submission's results.json."""
    rows = Store(store_path).rows(aid)
    out_dir.mkdir(parents=True, exist_ok=True)
    book = out_dir / f"{aid}-gradebook.csv"
    with book.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["submission", "submitters", "score", "max_score", "state", "isolation", "grader_version",
                    "seconds", "error"])
        for r in rows:
            w.writerow([r["submission"], r["submitters"] or "", r["score"], r["max_score"], r["state"],
                        r["isolation"], r["grader_version"], r["seconds"], r["error"] or ""])
            if r["results_json"]:
                (out_dir / f"{r['submission']}.results.json").write_text(r["results_json"])
    return book
