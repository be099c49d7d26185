"""The handout's analysis end to end, offline: `python -m a3_scaling.analysis --out out/a3-analysis` (HANDOUT.md §7).

1. Approach 2 on the practice table (isoflops_runs.csv): per-budget minima by parabola and by best run, power
   laws for N_opt and D_opt, extrapolated to 1e23 and 1e24 FLOPs; the same on the noise-free table, where the
   parabola recovers the generating exponent and the best run shows its bias.
2. Approach 3 on the same runs: the fitted law, bootstrap intervals, and the compute-optimal model at 1e23/1e24.
3. Your `plan` against the practice simulator: the prediction at 1e19 FLOPs beside the practice law's truth.
Writes isoflops.png, scaling.png and predictions.json under --out, and prints a summary. Every step calls your
functions (isoflops.py, parametric.py, bootstrap.py, optimal.py, planning.py); finished code otherwise.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from a3_scaling.bootstrap import bootstrap_intervals
from a3_scaling.isoflops import best_run_minima, extrapolate, isoflops_fit, parabola_minima
from a3_scaling.optimal import compute_optimal
from a3_scaling.parametric import fit_parametric
from a3_scaling.planning import plan
from a3_scaling.plots import plot_isoflops, plot_scaling
from a3_scaling.sim import runs
from a3_scaling.sim.law import CHINCHILLA
from a3_scaling.sim.simulator import TrainingAPI, practice_law, truth
from shared.config_cli import ConfigError, parse_config, to_dict

TARGETS = (1e23, 1e24)


@dataclass(frozen=True)
class AnalysisConfig:
    """Approach 2, approach 3 with bootstrap intervals, and your plan on the practice simulator."""

    out: Path = field(default=Path("out/a3-analysis"), metadata={"help": "folder for the plots and predictions.json"})
    table: Path | None = field(default=None, metadata={"help": "a CSV of runs (default: the shipped practice table)"})
    n_boot: int = field(default=100, metadata={"help": "bootstrap resamples"})
    seed: int = field(default=0, metadata={"help": "bootstrap seed"})
    run_plan: bool = field(default=True, metadata={"help": "also run your plan against the practice simulator"})


PRESETS = {"tiny": AnalysisConfig(out=Path("out/a3-analysis-tiny"), n_boot=10, run_plan=False)}


def _approach2(table: dict) -> dict:
    out = {}
    for name, fn in (("parabola", parabola_minima), ("best_run", best_run_minima)):
        m = fn(table["params"], table["compute"], table["loss"])
        fit = isoflops_fit(m)
        pred = extrapolate(fit, np.array(TARGETS))
        out[name] = {"minima": {k: np.asarray(v).tolist() for k, v in m.items()}, "fit": fit,
                     "extrapolated": {f"{c:.0e}": {"n_opt": float(n), "d_opt": float(d)}
                                      for c, n, d in zip(TARGETS, pred["n_opt"], pred["d_opt"], strict=True)}}
    return out


def analyse(c: AnalysisConfig, log=print) -> dict:
    table = runs.read_csv(c.table) if c.table else (runs.read_csv() if runs.SHIPPED_CSV.exists()
                                                     else runs.practice_table())
    true_exp = CHINCHILLA["beta"] / (CHINCHILLA["alpha"] + CHINCHILLA["beta"])
    result: dict = {"config": to_dict(c), "runs": int(table["params"].size),
                    "true_law": CHINCHILLA, "true_n_exp": true_exp}
    result["approach2"] = _approach2(table)
    clean = runs.isoflop_table(CHINCHILLA, runs.PRACTICE_BUDGETS, n_sizes=9, span=64.0, noise=0.0, shared_grid=4)
    result["approach2_noise_free"] = _approach2(clean)
    for key in ("approach2", "approach2_noise_free"):
        for name in ("parabola", "best_run"):
            e = result[key][name]["fit"]["n_exp"]
            result[key][name]["n_exp_error"] = e / true_exp - 1
            log(f"{key:22s} {name:9s}: N_opt ∝ C^{e:.4f} ({100 * (e / true_exp - 1):+.1f}% vs the law's "
                f"{true_exp:.4f}); N_opt(1e23) = {result[key][name]['extrapolated']['1e+23']['n_opt']:.3g}")
    law = fit_parametric(table["params"], table["tokens"], table["loss"])
    intervals = bootstrap_intervals(table["params"], table["tokens"], table["loss"], n_boot=c.n_boot, seed=c.seed)
    result["approach3"] = {"law": law, "intervals": intervals,
                           "optimal": {f"{t:.0e}": compute_optimal(law, t) for t in TARGETS},
                           "true_optimal": {f"{t:.0e}": compute_optimal(CHINCHILLA, t) for t in TARGETS}}
    log("approach 3: " + ", ".join(f"{k} = {law[k]:.4g} [{intervals[k][0]:.4g}, {intervals[k][1]:.4g}]"
                                   for k in law))
    for t in TARGETS:
        o = result["approach3"]["optimal"][f"{t:.0e}"]
        log(f"approach 3 at {t:.0e} FLOPs: N_opt = {o['n_opt']:.3g}, D_opt = {o['d_opt']:.3g}, loss = {o['loss']:.4f}")
    a2 = result["approach2"]
    fits = {k: a2[k]["fit"] for k in a2}
    minima = {k: {kk: np.array(v) for kk, v in a2[k]["minima"].items()} for k in a2}
    budgets = np.geomspace(min(runs.PRACTICE_BUDGETS), max(TARGETS), 30)
    a3_line = np.array([compute_optimal(law, float(b))["n_opt"] for b in budgets])
    paths = {"isoflops": str(plot_isoflops(table, minima, c.out / "isoflops.png",
                                           "IsoFLOPs profiles of the practice table")),
             "scaling": str(plot_scaling(minima, fits, c.out / "scaling.png", "Compute-optimal scaling",
                                         {"approach 3": (budgets, a3_line)}))}
    if c.run_plan:
        api = TrainingAPI(practice_law())
        pred = plan(api, 1e19)
        result["plan"] = {"prediction": pred, "truth": truth(practice_law(), 1e19),
                          "flops_used": api.total_flops_used(), "runs": len(api.previous_runs())}
        t = result["plan"]["truth"]
        log(f"plan on the practice simulator: N = {pred['n_params']:.3g} (truth {t['n_params']:.3g}), loss = "
            f"{pred['loss']:.4f} (truth {t['loss']:.4f}), lr = {pred['learning_rate']:.2e} (truth "
            f"{t['learning_rate']:.2e}), batch {pred['batch_size']} (truth {t['batch_size']}), "
            f"{api.total_flops_used():.3g} FLOPs in {len(api.previous_runs())} runs")
    result["paths"] = paths
    c.out.mkdir(parents=True, exist_ok=True)
    (c.out / "predictions.json").write_text(json.dumps(result, indent=2, default=float))
    log(f"wrote {paths['isoflops']}, {paths['scaling']} and {c.out / 'predictions.json'}")
    return result


def main(argv: list[str] | None = None) -> int:
    try:
        analyse(parse_config(AnalysisConfig, argv, PRESETS))
    except (ConfigError, FileNotFoundError, ValueError, NotImplementedError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
