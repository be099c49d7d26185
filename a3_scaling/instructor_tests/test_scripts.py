"""The analysis and the sweep scripts end to end (tiny presets), offline, writing plots and JSON under tmp."""

import json

from a3_scaling import analysis, sweep


def test_analysis_tiny_writes_plots_and_predictions(tmp_path):
    assert analysis.main(["--preset", "tiny", "--out", str(tmp_path), "--run-plan", "true"]) == 0
    out = json.loads((tmp_path / "predictions.json").read_text())
    assert (tmp_path / "isoflops.png").stat().st_size > 10_000 and (tmp_path / "scaling.png").stat().st_size > 10_000
    assert abs(out["approach2"]["parabola"]["n_exp_error"]) < 0.05
    assert out["approach2_noise_free"]["best_run"]["n_exp_error"] < -0.05
    assert set(out["approach3"]["optimal"]) == {"1e+23", "1e+24"}
    assert 0.8 < out["plan"]["prediction"]["n_params"] / out["plan"]["truth"]["n_params"] < 1.25


def test_sweep_tiny_trains_real_runs(tmp_path):
    result = sweep.sweep(sweep.SweepConfig(**{**sweep.PRESETS["tiny"].__dict__, "data_dir": tmp_path / "data",
                                              "out": tmp_path / "out"}), log=lambda *a: None)
    assert len(result["runs"]) == 6 and all(r["steps"] >= 10 and r["loss"] < 7.0 for r in result["runs"])
    assert (tmp_path / "out" / "isoflops.png").exists() and (tmp_path / "out" / "runs.csv").exists()
    budgets = sorted({r["compute"] for r in result["runs"]})
    best = {c: min(r["loss"] for r in result["runs"] if r["compute"] == c) for c in budgets}
    assert best[budgets[1]] < best[budgets[0]]  # more compute, lower loss


def test_sweep_bad_budget_is_named(tmp_path, capsys):
    code = sweep.main(["--preset", "tiny", "--budgets", "1e5", "--data-dir", str(tmp_path / "d"),
                       "--out", str(tmp_path / "o")])
    assert code == 2 and "fewer than 3 shapes" in capsys.readouterr().err
