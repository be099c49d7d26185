"""The same pipeline definition (definition.py) on a cluster: datatrove's `SlurmPipelineExecutor` (one job
array per stage, each stage's array depending on the previous one) or `RayPipelineExecutor` (a Ray cluster,
or a local Ray instance). Install the extras first: pip install '.[a4,a4-scale]'.

    python -m a4_data.pipeline --executor slurm --out /shared/a4/filtered --partition cpu           # scripts only
    python -m a4_data.pipeline --executor slurm --out /shared/a4/filtered --partition cpu --submit  # sbatch them
    python -m a4_data.pipeline --executor ray --out /shared/a4/filtered    # RAY_ADDRESS=... or a local instance

`out` must be on storage every node sees (the stages hand files to each other). Without --submit the Slurm
run is a dry run: datatrove's own launch code runs (it pickles each stage's executor to
`logs/<stage>/executor.pik`, writes `ranks_to_run.json` and the sbatch script), and only the `sbatch` call is
replaced by a recorder that writes each script to `<out>/slurm/NN_<job>.sbatch` with its sbatch arguments in
`<out>/slurm/submit.json`. Submitting those scripts in order, each with its `--dependency`, is the real run.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from a4_data.pipeline.config import PipelineConfig, check_fingerprint, input_files
from a4_data.pipeline.definition import Stage, stages


def slurm_executors(cfg: PipelineConfig, files: list[Path], out: Path, time_limit: str = "04:00:00",
                    mem_per_cpu_gb: int = 4) -> list:
    from datatrove.executor import SlurmPipelineExecutor

    activate = Path(sys.prefix) / "bin" / "activate"
    executors, prev = [], None
    for st in stages(cfg, files, out):
        prev = SlurmPipelineExecutor(
            st.steps, tasks=st.tasks, time=time_limit, partition=cfg.partition, cpus_per_task=1,
            mem_per_cpu_gb=mem_per_cpu_gb, job_name=f"a4-{st.name}", logging_dir=str(out / "logs" / st.name),
            slurm_logs_folder=str(out / "slurm_logs" / st.name), depends=prev,
            venv_path=str(activate) if activate.exists() else None)
        executors.append(prev)
    return executors


def ray_executors(cfg: PipelineConfig, files: list[Path], out: Path) -> list:
    from datatrove.executor.ray import RayPipelineExecutor

    # no `depends=` chain: datatrove's Ray executor polls an unfinished dependency every two minutes; run_scaled
    # runs the stages in order instead, each after the previous one returned
    return [RayPipelineExecutor(st.steps, tasks=st.tasks, workers=cfg.workers, logging_dir=str(out / "logs" / st.name),
                                cpus_per_task=1, mem_per_cpu_gb=1) for st in stages(cfg, files, out)]


@contextlib.contextmanager
def recorded_sbatch(folder: Path) -> Iterator[list[dict]]:
    """Replace datatrove's `sbatch` call with a recorder (the dry run): scripts go to `folder`, each "job"
    gets the id `dry-N`, which the next stage's `--dependency=afterok:dry-N` refers to."""
    import datatrove.executor.slurm as slurm

    folder.mkdir(parents=True, exist_ok=True)
    submitted: list[dict] = []
    real = slurm.launch_slurm_job

    def record(contents: str, _job_id_retriever, *args: str) -> str:
        job = next((x.split("=", 1)[1] for x in contents.splitlines() if x.startswith("#SBATCH --job-name=")), "job")
        if "merge_stats " in contents:  # datatrove's follow-up job that sums the stage's per-task stats
            job += "-merge_stats"
        path = folder / f"{len(submitted):02d}_{job}.sbatch"
        path.write_text(contents, encoding="utf-8")
        submitted.append({"script": str(path), "job_name": job, "args": list(args), "job_id": f"dry-{len(submitted)}"})
        return submitted[-1]["job_id"]

    slurm.launch_slurm_job = record
    try:
        yield submitted
    finally:
        slurm.launch_slurm_job = real
        (folder / "submit.json").write_text(json.dumps(submitted, indent=1), encoding="utf-8")


def run_scaled(cfg: PipelineConfig) -> str:
    start = time.perf_counter()
    files = input_files(cfg.inputs)
    out = cfg.out.resolve()
    check_fingerprint(out, cfg.fingerprint(files))
    if cfg.executor == "slurm":
        executors = slurm_executors(cfg, files, out)
        if cfg.submit:
            executors[-1].run()  # launches the dependencies first, each with sbatch
            return f"submitted {len(executors)} stages; outputs in {out} (kept shards: {out / 'kept'})"
        with recorded_sbatch(out / "slurm") as jobs:
            executors[-1].run()
        return (f"dry run: {len(jobs)} sbatch scripts in {out / 'slurm'} (arguments in submit.json); "
                f"--submit runs them")
    if cfg.executor == "ray":
        try:
            import ray
        except ImportError as e:
            raise ImportError("the ray executor needs Ray: pip install '.[a4-scale]'") from e
        from a4_data.pipeline.report import render
        from a4_data.pipeline.runner import finish

        if not ray.is_initialized():  # RAY_ADDRESS: join that cluster; unset: a local instance of `workers` CPUs
            address = os.environ.get("RAY_ADDRESS") or None
            ray.init(address=address, num_cpus=None if address else cfg.workers, include_dashboard=False)
        executors = ray_executors(cfg, files, out)
        todo = {st.name: len(ex.get_incomplete_ranks()) for st, ex in zip(stages(cfg, files, out), executors,
                                                                          strict=True)}
        for name, ex in zip(todo, executors, strict=True):
            ex.run()
            if left := ex.get_incomplete_ranks():
                raise RuntimeError(f"stage {name}: tasks {left} did not finish; rerun the same command to resume")
        return render(finish(cfg, files, out, time.perf_counter() - start, todo), cfg.samples)
    raise ValueError(f"unknown executor {cfg.executor!r}")


__all__ = ["Stage", "ray_executors", "recorded_sbatch", "run_scaled", "slurm_executors"]
