"""The experiment scripts end to end on their tiny presets (seconds): every stage writes its JSON log, plot and
checkpoint; the CS336 adapters call through to the package."""

import json

import torch

from a5_alignment import cs336_adapters as ad
from a5_alignment.experiments import pipeline


def test_pipeline_tiny_preset(tmp_path, one_thread):
    assert pipeline.main(["--preset", "tiny", "--out-dir", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["stages"]) == {"sft", "grpo", "ei", "dpo"}
    for stage in ("sft", "grpo", "ei", "dpo"):
        log = json.loads((tmp_path / stage / "log.json").read_text())
        assert log["records"] and {"before", "after"} <= set(log["results"])
        assert (tmp_path / stage / "policy.pt").exists()
    # SFT from scratch learns the format within 20 steps (a property of training, not of the seed)
    assert summary["stages"]["sft"]["after"]["format_rate"] > 0.5
    assert (tmp_path / "summary.png").exists() and (tmp_path / "sft" / "curves.png").exists()


def test_adapters_call_through():
    lp = -torch.rand(2, 3, requires_grad=True)
    m = torch.tensor([[True, False, True], [True, True, False]])
    loss, _ = ad.run_sft_microbatch_train_step(lp, m, 2)
    assert torch.isclose(loss, -(lp * m).sum(-1).mean() / 2)
    assert torch.isclose(ad.run_masked_mean(lp, m), (lp * m).sum() / 4)
    assert ad.run_parse_gsm8k_response("it is 42.") == "42"
    example = {"subject": "s", "question": "q", "options": ["1", "2", "3", "4"], "answer": "B"}
    assert ad.run_parse_mmlu_response(example, "The correct answer is B.") == "B"
    assert ad.run_parse_mmlu_response(example, "The correct answer is 10000 polyomaviruses.") is None
    adv, raw, _ = ad.run_compute_group_normalized_rewards(lambda r, t: {"reward": float(r == t)}, ["1", "2"],
                                                          ["1", "1"], 2, 1e-6, False)
    assert adv.tolist() == [0.5, -0.5] and raw.tolist() == [1.0, 0.0]


def test_rollout_bench_quick(one_thread):
    from a5_alignment.bench import rollout_bench

    (row,) = rollout_bench.run(quick=True)
    assert row.value > 0 and row.anchor_value > 0 and row.goal is None
    assert row.note.startswith("8/8 rows identical")
