"""`grader stats` and `grader similarity`: what a class's batch says, for the instructor.

- Statistics, from a batch store (grader/batch.py): per unit the pass rate, the mean points and the most common
  failure (the status most of its failing hidden draws had), and a histogram of total scores; written as CSV,
  JSON and one PNG.
- Similarity across submissions of the student-editable files (the rubric's student files), by copydetect
  (winnowed fingerprints, as MOSS), with the release's starter code as boilerplate so the stubs never count:
  every pair of files from two different submissions above a threshold, listed as CSV and JSON, most similar
  first. A lead for a conversation, never a verdict.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter
from pathlib import Path

from grader.batch import Store, _safe_unzip, find_submissions
from grader.tree import Assignment, Tree


def _unit_of(test_name: str) -> str:
    return test_name.split(" ", 1)[0]


def class_statistics(a: Assignment, store_path: Path, out_dir: Path) -> dict:
    rows = [r for r in Store(store_path).rows(a.id) if r["state"] == "done"]
    if not rows:
        raise ValueError(f"{store_path} holds no graded {a.id} submission: run `grader batch` first")
    units: dict[str, dict] = {k: {"passed": 0, "graded": 0, "points": 0.0, "max_points": u.points,
                                  "failures": Counter()} for k, u in a.rubric.units.items()}
    scores = []
    for r in rows:
        results = json.loads(r["results_json"])
        scores.append(float(results["score"]))
        for t in results.get("tests", []):
            key = _unit_of(t["name"])
            if key in units:
                u = units[key]
                u["graded"] += 1
                u["points"] += float(t.get("score", 0.0))
                u["passed"] += float(t.get("score", 0.0)) >= float(t.get("max_score", 0.0)) > 0
        for c in json.loads(r["cases_json"] or "[]"):
            if c["unit"] in units and c["status"] != "passed":
                units[c["unit"]]["failures"][c["status"]] += 1
    table = []
    for key, u in units.items():
        n = max(1, u["graded"])
        common = u["failures"].most_common(1)
        table.append({"unit": key, "submissions": u["graded"], "pass_rate": round(u["passed"] / n, 4),
                      "mean_points": round(u["points"] / n, 4), "max_points": u["max_points"],
                      "most_common_failure": f"{common[0][0]} ({common[0][1]} draws)" if common else ""})
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / f"{a.id}-units.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    summary = {"assignment": a.id, "submissions": len(rows), "total": a.rubric.total_points,
               "mean_score": round(sum(scores) / len(scores), 4), "scores": sorted(scores), "units": table}
    (out_dir / f"{a.id}-stats.json").write_text(json.dumps(summary, indent=1) + "\n")
    _histogram(a, scores, out_dir / f"{a.id}-scores.png")
    return summary


def _histogram(a: Assignment, scores: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    top = max([a.rubric.total_points, *scores])
    ax.hist(scores, bins=min(20, max(5, len(scores))), range=(0, top), color="#4477aa", edgecolor="white")
    ax.set_xlabel(f"score (total {a.rubric.total_points:g}; above it: extra credit)")
    ax.set_ylabel("submissions")
    ax.set_title(f"{a.id}: {len(scores)} submissions, mean {sum(scores) / len(scores):.1f}")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def similarity(tree: Tree, a: Assignment, source: Path, out_dir: Path, threshold: float = 0.5) -> list[dict]:
    from copydetect import CopyDetector

    from grader.release import write_release

    with tempfile.TemporaryDirectory(prefix="lmfs-similarity-") as tmp:
        work = Path(tmp)
        subs = find_submissions(source, work)
        files: dict[Path, str] = {}  # a copy of each student-editable file -> its submission
        for s in subs:
            folder = s.path
            if s.path.is_file():  # a zip: unpacked as grading would read it
                folder = work / "zips" / s.name
                _safe_unzip(s.path, folder)
            for p in sorted(folder.rglob("*.py")):
                rel = p.relative_to(folder).as_posix()
                rel = rel if rel.startswith(a.package + "/") else f"{a.package}/{rel}"
                if a.rubric.is_student_file(rel):
                    dest = work / "files" / s.name / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(p.read_bytes())
                    files[dest] = s.name
        release = write_release(tree, a, work / "release")
        detector = CopyDetector(test_dirs=[str(work / "files")], boilerplate_dirs=[str(release / a.package)],
                                extensions=["py"], display_t=threshold, autoopen=False, silent=True,
                                out_file=str(work / "report.html"))
        detector.run()
        pairs = []
        for test_sim, ref_sim, f1, f2, *_ in detector.get_copied_code_list():
            s1, s2 = files.get(Path(f1)), files.get(Path(f2))
            if s1 is None or s2 is None or s1 == s2:
                continue
            pairs.append({"submission_a": s1, "file_a": Path(f1).relative_to(work / "files" / s1).as_posix(),
                          "submission_b": s2, "file_b": Path(f2).relative_to(work / "files" / s2).as_posix(),
                          "similarity_a": round(float(test_sim), 4), "similarity_b": round(float(ref_sim), 4)})
    pairs.sort(key=lambda p: -max(p["similarity_a"], p["similarity_b"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / f"{a.id}-similarity.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["submission_a", "file_a", "submission_b", "file_b", "similarity_a",
                                          "similarity_b"])
        w.writeheader()
        w.writerows(pairs)
    (out_dir / f"{a.id}-similarity.json").write_text(json.dumps({"threshold": threshold, "pairs": pairs},
                                                                indent=1) + "\n")
    return pairs
