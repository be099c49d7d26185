"""The run log both a1's training and a5's experiments keep: its two layouts on disk, resume, the budgets that
stop a run, and the curves."""

import csv
import json
import time

import pytest

from shared.run_log import Curves, RunLog

PNG = b"\x89PNG\r\n\x1a\n"


def test_json_layout_is_one_document_rewritten_after_every_record(tmp_path):
    log = RunLog(tmp_path, "sft", {"lr": 1e-3})
    log.log(1, train_nll=2.5)
    saved = json.loads((tmp_path / "log.json").read_text())  # on disk before the run ends
    assert saved["name"] == "sft" and saved["config"] == {"lr": 1e-3} and saved["results"] == {}
    assert list(saved["records"][0]) == ["step", "time_s", "cpu_s", "train_nll"]
    log.log(2, eval_accuracy=0.5, samples=[{"q": "1+1"}])
    results = log.finish({"after": {"accuracy": 0.5}}, Curves(("eval_accuracy", "train_nll")))
    saved = json.loads((tmp_path / "log.json").read_text())
    assert [r["step"] for r in saved["records"]] == [1, 2] and saved["results"] == results
    assert results["after"] == {"accuracy": 0.5} and results["cpu_seconds"] >= 0
    assert (tmp_path / "curves.png").read_bytes()[:8] == PNG
    assert set(log.paths) == {"json", "png"} and not (tmp_path / "log.jsonl").exists()


def test_jsonl_layout_appends_records_and_writes_the_csv_and_config(tmp_path):
    log = RunLog(tmp_path, "train", {"d_model": 32}, layout="jsonl", elapsed=False)
    assert json.loads((tmp_path / "config.json").read_text()) == {"d_model": 32}
    log.log(5, train_loss=3.0, lr=1e-3)
    log.log(10, val_loss=2.9)
    assert [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()] == [
        {"step": 5, "train_loss": 3.0, "lr": 1e-3}, {"step": 10, "val_loss": 2.9}]  # no elapsed stamps
    log.finish(curves=Curves(("train_loss", "val_loss"), styles=("-", "o-"), file="learning_curve.png", title=""))
    with (tmp_path / "log.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["step", "lr", "train_loss", "val_loss"]  # step first, then sorted
    assert rows[1] == {"step": "10", "lr": "", "train_loss": "", "val_loss": "2.9"}
    assert list(log.paths) == ["jsonl", "csv", "png"] and not (tmp_path / "log.json").exists()
    assert not (tmp_path / "results.json").exists()  # no results given, none written


def test_jsonl_layout_resumes_or_starts_over(tmp_path):
    first = RunLog(tmp_path, "train", {}, layout="jsonl")
    first.log(1, train_loss=3.0)
    resumed = RunLog(tmp_path, "train", {}, layout="jsonl", resume=True)
    resumed.log(2, train_loss=2.0)
    assert [r["step"] for r in resumed.records] == [1, 2]
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 2  # one log, continued
    fresh = RunLog(tmp_path, "train", {}, layout="jsonl")
    assert fresh.records == [] and not (tmp_path / "log.jsonl").exists()


def test_json_layout_resumes_its_records(tmp_path):
    RunLog(tmp_path, "grpo", {}).log(1, train_reward=0.1)
    resumed = RunLog(tmp_path, "grpo", {}, resume=True)
    resumed.log(2, train_reward=0.2)
    assert [r["step"] for r in json.loads((tmp_path / "log.json").read_text())["records"]] == [1, 2]


def test_budgets_stop_on_wall_or_cpu_seconds_and_zero_is_none(tmp_path):
    log = RunLog(tmp_path, "sft", {})
    assert not log.over_budget(0.0, 0.0, time.time() - 1e6)  # no budgets: never over
    assert log.over_budget(10.0, 0.0, time.time() - 11.0)  # the wall clock counts from wall_start
    assert not log.over_budget(10.0, 0.0, time.time())
    spent = time.process_time()
    while time.process_time() - spent < 0.05:  # burn a little CPU
        pass
    assert log.cpu_seconds() >= 0.05
    assert log.over_budget(0.0, 0.01, time.time()) and not log.over_budget(0.0, 1e6, time.time())


def test_plot_without_any_of_its_keys_draws_nothing(tmp_path):
    log = RunLog(tmp_path, "baseline", {})
    log.log(0, pairs=3)
    assert log.plot(Curves(("eval_accuracy",))) is None and not (tmp_path / "curves.png").exists()


def test_wandb_disabled_by_the_environment_is_no_run(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    log = RunLog(tmp_path, "train", {}, layout="jsonl", wandb_project="lmfs-test")
    assert log.run is None


def test_styles_must_match_keys(tmp_path):
    log = RunLog(tmp_path, "x", {})
    log.log(1, a=1.0)
    with pytest.raises(ValueError):
        log.plot(Curves(("a", "b"), styles=("-",)))
