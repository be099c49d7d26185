"""Scale-out: the same pipeline definition on datatrove's SlurmPipelineExecutor (sbatch scripts generated
by datatrove's own launch code, never submitted: there is no Slurm here; then every array task run from the
pickled executors the way a Slurm node runs them) and on RayPipelineExecutor over a local Ray instance (when
the a4-scale extra is installed). Both must keep byte for byte what the local executor keeps."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import dill
import pytest

from a4_data.pipeline.config import PipelineConfig, input_files
from a4_data.pipeline.definition import stages
from a4_data.pipeline.demo_data import write_demo
from a4_data.pipeline.runner import run_pipeline
from a4_data.pipeline.scale import run_scaled

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"workers": 2, "num_hashes": 16, "num_bands": 4}  # 4 bucket tasks: few Slurm array tasks to run here


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("a4scale")
    write_demo(root / "warc", files=2, docs=15, seed=8)
    run_pipeline(PipelineConfig(inputs=str(root / "warc"), out=root / "local", **SMALL), progress=False)
    return root / "warc", root / "local"


def test_slurm_scripts_chain_the_stages_and_their_tasks_reproduce_the_local_run(
        local: tuple[Path, Path], tmp_path: Path) -> None:
    warc, local_out = local
    out = tmp_path / "slurm"
    cfg = PipelineConfig(inputs=str(warc), out=out, executor="slurm", partition="cpu", **SMALL)
    run_scaled(cfg)
    jobs = json.loads((out / "slurm" / "submit.json").read_text())
    plan = stages(cfg, input_files(str(warc)), out)
    arrays = [j for j in jobs if not j["job_name"].endswith("-merge_stats")]
    assert [j["job_name"] for j in arrays] == [f"a4-{st.name}" for st in plan]
    for k, (job, st) in enumerate(zip(arrays, plan, strict=True)):
        script = Path(job["script"]).read_text()
        assert f"#SBATCH --array=0-{st.tasks - 1}\n" in script and "#SBATCH --partition=cpu\n" in script
        assert f"launch_pickled_pipeline {out / 'logs' / st.name / 'executor.pik'}" in script
        deps = [a for a in job["args"] if a.startswith("--dependency=")]
        assert deps == ([] if k == 0 else [f"--dependency=afterok:{arrays[k - 1]['job_id']}"]), job
        with (out / "logs" / st.name / "executor.pik").open("rb") as f:
            ex = dill.load(f)
        assert [type(s).__name__ for s in ex.pipeline] == [type(s).__name__ for s in st.steps]
        assert ex.tasks == st.tasks

    # every array task as a Slurm node runs it (launch_pickled_pipeline: load the pickle, run()), with
    # SLURM_ARRAY_TASK_ID set and `scontrol` answering for the node list; stage after stage, as the
    # dependencies order them; one process for all of them (a process each costs a minute here)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "scontrol").write_text("#!/bin/sh\necho node1\n")
    (bin_dir / "scontrol").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SLURM_NODELIST": "node1"}
    plan_json = json.dumps([[str(out / "logs" / st.name / "executor.pik"), st.tasks] for st in plan])
    node = ("import json, os, sys, dill\n"
            "for pik, tasks in json.loads(sys.argv[1]):\n"
            "    for task in range(tasks):\n"
            "        os.environ['SLURM_ARRAY_TASK_ID'] = str(task)\n"
            "        with open(pik, 'rb') as f:\n"
            "            dill.load(f).run()\n")
    run = subprocess.run([sys.executable, "-c", node, plan_json], cwd=ROOT, capture_output=True, text=True,
                         timeout=400, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    for st in plan:
        assert len(list((out / "logs" / st.name / "completions").iterdir())) == st.tasks, st.name
    for r in range(2):
        mine, theirs = out / "kept" / f"{r:05d}.jsonl", local_out / "kept" / f"{r:05d}.jsonl"
        assert _kept(mine) == _kept(theirs)


def _kept(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text().splitlines() if path.exists() else []
    return [(d["id"], d["text"]) for d in map(json.loads, lines)]


def test_the_sbatch_scripts_carry_no_site_specifics(local: tuple[Path, Path], tmp_path: Path) -> None:
    """What the dry run writes is runnable elsewhere only if its paths are absolute and its partition the
    one asked for."""
    warc, _ = local
    out = tmp_path / "slurm"
    run_scaled(PipelineConfig(inputs=str(warc), out=out, executor="slurm", partition="batch", **SMALL))
    for job in json.loads((out / "slurm" / "submit.json").read_text()):
        script = Path(job["script"]).read_text()
        assert "#SBATCH --partition=batch\n" in script
        assert all(Path(p).is_absolute() for p in re.findall(r"launch_pickled_pipeline (\S+)", script))


def test_ray_executor_on_a_local_ray_instance_keeps_the_same(local: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the a4-scale extra (ray) is not installed: pip install '.[a4-scale]'")
    warc, local_out = local
    run = subprocess.run([sys.executable, "-m", "a4_data.pipeline", "--inputs", str(warc), "--out",
                          str(tmp_path / "ray"), "--executor", "ray", "--workers", "2", "--num-hashes", "16",
                          "--num-bands", "4"], cwd=ROOT, capture_output=True, text=True, timeout=400,
                         env={k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "ray" / "kept.jsonl").read_text() == (local_out / "kept.jsonl").read_text()
