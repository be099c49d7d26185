"""The optional MoE unit (nn/moe.py) against formulas that need no token loop, properties the handout states,
and the dense-vs-MoE comparison script end to end on a small token file the test writes."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from a1_basics.data import write_tokens
from a1_basics.moe_compare import PRESETS, MoECompareConfig, build_models, main, parameter_counts, run
from a1_basics.nn.moe import MoEFeedForward
from a1_basics.nn.transformer import TransformerBlock
from shared.config_cli import ConfigError


def all_experts(moe: MoEFeedForward, x: torch.Tensor) -> torch.Tensor:
    """(T, E, d): every expert's SwiGLU on every token, written with torch.nn.functional."""
    outs = []
    for ex in moe.experts:
        h = F.silu(F.linear(x, ex.w1.weight)) * F.linear(x, ex.w3.weight)
        outs.append(F.linear(h, ex.w2.weight))
    return torch.stack(outs, dim=1)


def dense_mask_oracle(moe: MoEFeedForward, x: torch.Tensor) -> torch.Tensor:
    """Top-k routing as a dense (T, E) gate matrix; no capacity."""
    probs = torch.softmax(F.linear(x, moe.router.weight).double(), dim=-1)
    kth = probs.sort(dim=-1, descending=True).values[:, moe.top_k - 1:moe.top_k]
    gates = torch.where(probs >= kth, probs, 0.0)
    gates = gates / gates.sum(dim=-1, keepdim=True)
    return (gates.unsqueeze(-1) * all_experts(moe, x).double()).sum(dim=1)


@pytest.mark.parametrize("E, k", [(2, 1), (4, 2), (5, 3), (8, 2)])
def test_forward_equals_a_dense_gate_matrix(E, k):
    torch.manual_seed(E * 10 + k)
    moe = MoEFeedForward(24, 40, E, k)
    x = torch.randn(37, 24)
    torch.testing.assert_close(moe(x).double(), dense_mask_oracle(moe, x), rtol=1e-5, atol=1e-5)


def test_top_k_equal_to_num_experts_is_the_full_softmax_mixture():
    torch.manual_seed(1)
    moe = MoEFeedForward(16, 32, 3, 3)
    x = torch.randn(2, 5, 16)
    probs = torch.softmax(F.linear(x, moe.router.weight), dim=-1)
    want = (probs.reshape(-1, 3, 1) * all_experts(moe, x.reshape(-1, 16))).sum(1).reshape(2, 5, 16)
    torch.testing.assert_close(moe(x), want, rtol=1e-5, atol=1e-6)


def test_a_capacity_that_cannot_overflow_changes_nothing():
    torch.manual_seed(2)
    moe = MoEFeedForward(16, 32, 4, 2)
    x = torch.randn(50, 16)
    want = moe(x)
    moe.capacity_factor = 4 / 2  # capacity = T: an expert can take every token
    assert moe.capacity(50) == 50
    torch.testing.assert_close(moe(x), want, rtol=0, atol=0)


def test_capacity_keeps_the_first_tokens_in_order():
    torch.manual_seed(3)
    moe = MoEFeedForward(8, 16, 2, 1, capacity_factor=0.5)  # capacity ceil(0.5 * 12 / 2) = 3
    with torch.no_grad():
        moe.router.weight.zero_()
        moe.router.weight[0, 0] = 10.0  # every token with x[0] > 0 goes to expert 0
    x = torch.randn(12, 8)
    x[:, 0] = 1.0  # all 12 tokens choose expert 0
    out = moe(x)
    assert moe.capacity(12) == 3
    nonzero = (out != 0).any(dim=-1)
    assert nonzero.tolist() == [True] * 3 + [False] * 9
    torch.testing.assert_close(out[:3], all_experts(moe, x[:3])[:, 0], rtol=1e-5, atol=1e-6)


def test_aux_loss_uniform_collapsed_and_formula():
    moe = MoEFeedForward(8, 16, 4, 2)
    with torch.no_grad():
        moe.router.weight.zero_()
    moe(torch.randn(10, 8))
    assert float(moe.last_aux_loss.detach()) == pytest.approx(1.0, abs=1e-6)  # uniform: E * sum f_e / E = 1
    torch.manual_seed(4)
    moe = MoEFeedForward(8, 16, 4, 2)
    x = torch.randn(30, 8)
    moe(x)
    probs = torch.softmax(F.linear(x, moe.router.weight.detach()).double(), dim=-1)
    top = probs.topk(2, dim=-1).indices
    f = torch.bincount(top.flatten(), minlength=4).double() / (30 * 2)
    assert float(moe.last_aux_loss.detach()) == pytest.approx(float(4 * (f * probs.mean(0)).sum()), rel=1e-5)
    assert moe.last_aux_loss.requires_grad and moe.last_aux_loss.dtype == torch.float32


def test_top1_router_learns_only_through_the_aux_loss():
    """With renormalised gates and top_k = 1 every gate is exactly 1: the output carries no router gradient (the
    handout's warning), so the router is trained by the load-balancing loss alone."""
    torch.manual_seed(5)
    moe = MoEFeedForward(8, 16, 4, 1)
    moe(torch.randn(20, 8)).sum().backward()
    # d(p/p)/dp = 1/p - p/p^2 is 0 up to rounding
    assert moe.router.weight.grad is None or float(moe.router.weight.grad.abs().max()) < 1e-6
    moe = MoEFeedForward(8, 16, 4, 2)
    out = moe(torch.randn(20, 8))
    (out.pow(2).sum()).backward()
    assert float(moe.router.weight.grad.abs().max()) > 0  # top_k 2: the gates carry gradient


def test_bfloat16_keeps_its_dtype_and_routes_in_float32():
    torch.manual_seed(6)
    moe = MoEFeedForward(16, 32, 4, 2, dtype=torch.bfloat16)
    x = torch.randn(3, 7, 16, dtype=torch.bfloat16)
    out = moe(x)
    assert out.dtype == torch.bfloat16 and out.shape == x.shape
    assert moe.last_aux_loss.dtype == torch.float32


@pytest.mark.parametrize("kwargs, message", [
    ({"top_k": 5}, "top_k=5"), ({"top_k": 0}, "top_k=0"), ({"capacity_factor": 0.0}, "capacity_factor"),
    ({"num_experts": 0, "top_k": 0}, "num_experts"),
])
def test_bad_configs_name_the_problem(kwargs, message):
    args = {"d_model": 8, "d_ff_expert": 16, "num_experts": 4, "top_k": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        MoEFeedForward(**args)


def test_drop_in_for_the_blocks_swiglu():
    torch.manual_seed(7)
    block = TransformerBlock(16, 2, 32, 8, 10000.0)
    block.ffn = MoEFeedForward(16, 16, 4, 2, capacity_factor=1.25)
    out = block(torch.randn(2, 8, 16))
    assert out.shape == (2, 8, 16) and torch.isfinite(out).all()
    assert any(k.startswith("ffn.experts.3.w2") for k in block.state_dict())


# ---- the comparison script ----

@pytest.fixture(scope="module")
def token_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("moe-data")
    rng = np.random.default_rng(0)
    # a learnable stream: a fixed random walk over 64 ids, so both models improve quickly
    ids = np.cumsum(rng.integers(-2, 3, size=6000)) % 64
    write_tokens(ids[:5000], root / "train.u16")
    write_tokens(ids[5000:], root / "val.u16")
    (root / "meta.json").write_text(json.dumps({"vocab_size": 64, "val_tokens": 1000, "val_bytes": 3000}))
    return root


def test_equal_active_parameters_and_same_initial_weights():
    dense, moe = build_models(PRESETS["tiny"], vocab_size=64)
    pd, pm = parameter_counts(dense, 2), parameter_counts(moe, 2)
    router = PRESETS["tiny"].num_layers * PRESETS["tiny"].d_model * PRESETS["tiny"].num_experts
    assert pm["active"] == pd["active"] + router and pm["total"] > pd["total"]
    sd_d, sd_m = dense.state_dict(), moe.state_dict()
    shared = [k for k in sd_d if ".ffn." not in k]
    assert shared and all(torch.equal(sd_d[k], sd_m[k]) for k in shared)


def test_tiny_comparison_writes_json_and_png(token_dir, tmp_path, one_thread):
    from dataclasses import replace

    lines = []
    c = replace(PRESETS["tiny"], data_dir=token_dir, out_dir=tmp_path / "out", max_steps=30)
    result = run(c, log=lines.append)
    assert [r["step"] for r in result["rows"]] == [10, 20, 30]
    assert any("dense val" in line and "moe val" in line for line in lines)
    first, last = result["rows"][0], result["rows"][-1]
    assert last["dense_val_loss"] < first["dense_val_loss"] and last["moe_val_loss"] < first["moe_val_loss"]
    assert 0.5 < last["moe_aux"] < 4.0  # between balanced (1) and fully collapsed (E = 4), give or take
    saved = json.loads((tmp_path / "out" / "moe_compare.json").read_text())
    assert saved["final"]["moe_val_loss"] == pytest.approx(last["moe_val_loss"])
    assert (tmp_path / "out" / "moe_compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_errors_are_clear(token_dir, tmp_path, capsys):
    assert main(["--preset", "tiny", "--data-dir", str(tmp_path / "none")]) == 2
    assert "prepare the data first" in capsys.readouterr().err
    assert main(["--preset", "tiny", "--data-dir", str(token_dir), "--top-k", "3"]) == 2
    assert "multiple of top_k" in capsys.readouterr().err
    from a1_basics.moe_compare import validate

    with pytest.raises(ConfigError, match="top_k=9"):
        validate(MoECompareConfig(top_k=9))
    with pytest.raises(ConfigError, match="0 for no capacity"):
        validate(MoECompareConfig(capacity_factor=-1.0))
    _, moe = build_models(MoECompareConfig(capacity_factor=0.0, num_layers=1), vocab_size=64)
    assert moe.layers[0].ffn.capacity(100) is None  # 0 on the command line: no capacity


def test_config_is_train_config_fields_with_their_types():
    """MoECompareConfig exposes TrainConfig fields (their CLI conversion follows the declared type, so a shared
    field declared with another type would parse differently), and its TrainConfig is its own settings."""
    import typing
    from dataclasses import fields

    from a1_basics.train import TrainConfig

    train_hints, hints = typing.get_type_hints(TrainConfig), typing.get_type_hints(MoECompareConfig)
    moe_only = {"num_experts", "top_k", "capacity_factor", "aux_loss_coef"}
    assert set(hints) - moe_only <= set(train_hints)
    assert all(hints[k] == train_hints[k] for k in set(hints) - moe_only)
    c = PRESETS["tiny"]
    t = c.train_config(vocab_size=64)
    assert all(getattr(t, f.name) == getattr(c, f.name) for f in fields(c) if f.name not in moe_only)
    assert t.vocab_size == 64 and (t.beta1, t.beta2) == (0.9, 0.95)
