"""The §12.3 and §13.3 experiment scripts end to end on their tiny presets (seconds): SFT and GRPO checkpoints made
when absent, curves and plots written; PPO accepts a learned scorer and logs its proxy reward beside the verifier's;
the pairs builder labels by the verifier."""

import json

import numpy as np
import torch

from a5_alignment.experiments import inference_scaling, rlhf
from a5_alignment.experiments.reward_training import Pairs, encode
from a5_alignment.infra.char_tokenizer import CharTokenizer


def test_inference_scaling_tiny(tmp_path, one_thread):
    out = tmp_path / "scaling"
    args = ["--preset", "tiny", "--out-dir", str(out), "--sft-checkpoint", str(tmp_path / "sft/policy.pt"),
            "--grpo-checkpoint", str(tmp_path / "grpo/policy.pt")]
    assert inference_scaling.main(args) == 0
    r = json.loads((out / "results.json").read_text())
    for p in r["policies"].values():
        assert p["k"] == [1, 2, 4] and p["samples"] == 6 * 4
        assert all(0 <= m <= 1 for m in p["maj_at_k"])
        assert abs(p["maj_at_k"][0] - p["pass_at_k"][0]) < 1e-12  # one sample: the vote is it, pass@1 = c / n
        assert p["pass_at_k"] == sorted(p["pass_at_k"])  # pass@k never falls with k
    assert (out / "inference_scaling.png").exists()


def test_rlhf_tiny(tmp_path, one_thread):
    out = tmp_path / "rlhf"
    assert rlhf.main(["--preset", "tiny", "--out-dir", str(out), "--sft-checkpoint",
                      str(tmp_path / "sft/policy.pt")]) == 0
    r = json.loads((out / "results.json").read_text())
    assert set(r["ppo"]) == {"ppo_verifier", "ppo_rm", "ppo_weak_rm"}
    records = json.loads((out / "ppo_rm" / "log.json").read_text())["records"]
    assert any("proxy_reward" in x for x in records) and any("train_reward" in x for x in records)
    assert not any("proxy_reward" in x for x in json.loads((out / "ppo_verifier" / "log.json").read_text())["records"])
    assert (out / "rlhf_overoptimisation.png").exists()


def test_encode_pads_on_the_right():
    tok = CharTokenizer()
    ids, lengths = encode(tok, ["1+2=", "10+20="], ["3", "30"])
    assert lengths.tolist() == [len(tok.encode("1+2=3")), len(tok.encode("10+20=30"))]
    assert ids[0, lengths[0]:].eq(tok.pad_token_id).all() and ids.shape == (2, int(lengths.max()))
    p = Pairs(["a", "b"], ["x", "y"], ["u", "v"], np.array([False, True]))
    assert p.take(np.array([1])).chosen == ["y"] and len(p) == 2
    assert torch.equal(ids[1, :lengths[1]], torch.tensor(tok.encode("10+20=30")))
