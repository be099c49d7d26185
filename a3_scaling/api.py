"""The public module map of a3: which file holds which name. Cases reach student code only through these names
(shared/cases/impl.py), so this map is part of the assignment's API: keep it stable."""

API: dict[str, str] = {
    # isoflops.py: approach 2
    "parabola_minima": "a3_scaling.isoflops:parabola_minima",
    "best_run_minima": "a3_scaling.isoflops:best_run_minima",
    "fit_power_law": "a3_scaling.isoflops:fit_power_law",
    "isoflops_fit": "a3_scaling.isoflops:isoflops_fit",
    "extrapolate": "a3_scaling.isoflops:extrapolate",
    # parametric.py and bootstrap.py: approach 3
    "parametric_objective": "a3_scaling.parametric:parametric_objective",
    "fit_parametric": "a3_scaling.parametric:fit_parametric",
    "bootstrap_intervals": "a3_scaling.bootstrap:bootstrap_intervals",
    # optimal.py and planning.py
    "compute_optimal": "a3_scaling.optimal:compute_optimal",
    "plan": "a3_scaling.planning:plan",
}
