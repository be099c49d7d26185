"""Cases for the optional PPO units a5.ppo_step (compute_value_loss, ppo_microbatch_train_step) and
a5.value_head (PolicyWithValue): the value loss against numpy and a worked example, the step's loss and
gradients against float64 autograd of an independently written objective, and the value head against a forward
hook on a1's TransformerLM. The oracles are in a5_alignment/oracles/ppo.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.gae import response_mask
from shared.cases import Case, Impl, Oracles, Suite, close, fields, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.ppo")  # expected values: instructor-only, never released

STEP_CLOSE = close(rtol=1e-5, atol=1e-6)


def value_inputs(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    old = randn(rng, (b, t))
    m = response_mask(rng, b, t)
    return {"values": np.where(m, old + randn(rng, (b, t), scale=0.4), 1e3).astype(np.float32), "old": old,
            "returns": randn(rng, (b, t)), "mask": m, "c": float(rng.uniform(0.05, 0.4))}


def run_value_loss(impl: Impl, inp: dict) -> Any:
    loss, _ = impl.compute_value_loss(tensor(inp["values"]), tensor(inp["old"]), tensor(inp["returns"]),
                                      tensor(inp["mask"]), inp["c"])
    return loss


def value_worked_inputs(rng: np.random.Generator) -> dict:
    return {"values": np.array([[1.0, 0.0, 2.0, 100.0]], dtype=np.float32),
            "old": np.full((1, 4), 0.5, dtype=np.float32),
            "returns": np.array([[2.0, 0.0, 0.0, 0.0]], dtype=np.float32),
            "mask": np.array([[True, True, True, False]]), "c": 0.2}


def step_inputs(ent: bool) -> Any:
    # k >= 2: at k = 1 a step that forgets to divide by k is right (the hidden edge case ppo_step/edge_k1 pins k = 1)
    def make(rng: np.random.Generator) -> dict:
        b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
        old_lp = -np.abs(randn(rng, (b, t), scale=1.5))
        old_v = randn(rng, (b, t))
        return {"lp": (old_lp + randn(rng, (b, t), scale=0.3)).astype(np.float32), "old_lp": old_lp,
                "values": (old_v + randn(rng, (b, t), scale=0.4)).astype(np.float32), "old_values": old_v,
                "adv": randn(rng, (b, t)), "returns": randn(rng, (b, t)), "mask": response_mask(rng, b, t),
                "k": int(rng.integers(2, 6)), "clip": float(rng.uniform(0.05, 0.3)),
                "clip_v": float(rng.uniform(0.05, 0.4)), "vf": float(rng.uniform(0.05, 1.0)),
                "entropy": np.abs(randn(rng, (b, t))) if ent else None,
                "ent_coef": float(rng.uniform(0.001, 0.1)) if ent else 0.0}

    return make


def run_step(impl: Impl, inp: dict) -> Any:
    lp, values = tensor(inp["lp"], requires_grad=True), tensor(inp["values"], requires_grad=True)
    ent = None if inp["entropy"] is None else tensor(inp["entropy"], requires_grad=True)
    loss, _ = impl.ppo_microbatch_train_step(
        lp, values, tensor(inp["mask"]), tensor(inp["old_lp"]), tensor(inp["old_values"]), tensor(inp["adv"]),
        tensor(inp["returns"]), inp["k"], inp["clip"], inp["clip_v"], inp["vf"], ent, inp["ent_coef"])
    out = {"loss": loss.detach(), "grad_log_probs": lp.grad, "grad_values": values.grad}
    if ent is not None:
        out["grad_entropy"] = ent.grad
    return out


# ---- the value head on a1's TransformerLM ----

def head_inputs(rng: np.random.Generator) -> dict:
    d = 16
    return {"model_seed": int(rng.integers(0, 2**31)), "ids": rng.integers(0, 32, size=(2, 7)),
            "w": randn(rng, (1, d), scale=0.5), "b": randn(rng, (1,)), "d_model": d}


def small_lm(inp: dict) -> Any:
    """A 2-layer a1 TransformerLM whose weights are a function of the seed alone."""
    import torch

    from a1_basics.nn.transformer import ModelConfig, TransformerLM

    torch.manual_seed(inp["model_seed"])
    return TransformerLM.from_config(ModelConfig(32, 16, inp["d_model"], 2, 2, 32))


def wrapped(impl: Impl, inp: dict) -> Any:
    import torch

    pv = impl.PolicyWithValue(small_lm(inp))
    with torch.no_grad():
        pv.value_head.weight.copy_(tensor(inp["w"]))
        pv.value_head.bias.copy_(tensor(inp["b"]))
    return pv


def run_head(impl: Impl, inp: dict) -> Any:
    import torch

    pv = wrapped(impl, inp)
    calls = []
    pv.policy.ln_final.register_forward_hook(lambda mod, args, out: calls.append(1))
    with torch.no_grad():
        logits, values = pv(tensor(inp["ids"]))
    return {"logits": logits, "values": values, "final_norm_calls": len(calls)}


def run_head_zero(impl: Impl, inp: dict) -> Any:
    import torch

    with torch.no_grad():
        logits, values = impl.PolicyWithValue(small_lm(inp))(tensor(inp["ids"]))
    return {"logits": logits, "values": values}


def run_head_grad(impl: Impl, inp: dict) -> Any:
    pv = wrapped(impl, inp)
    pv(tensor(inp["ids"]))[1].sum().backward()
    return pv.policy.token_embeddings.weight.grad


SUITE = Suite(cases=(
    Case(name="value_loss/worked_example", inputs=value_worked_inputs, compare=close(), run=run_value_loss,
         expect=ORACLES.expect_value_worked, seeds=(0,), hidden_draws=0,
         note="by hand: the clipped error wins twice, the unclipped once"),
    Case(name="value_loss/random", inputs=value_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_value_loss, expect=ORACLES.expect_value_loss, hidden_draws=2,
         note="0.5 * masked mean of max(unclipped, clipped) squared error"),
    Case(name="ppo_step/random", inputs=step_inputs(False), compare=STEP_CLOSE, run=run_step,
         expect=ORACLES.expect_step, seeds=(0, 1, 2), hidden_draws=2,
         note="loss and gradients: token-level masked means, vf_coef, / grad-accum steps"),
    Case(name="ppo_step/entropy_bonus", inputs=step_inputs(True), compare=STEP_CLOSE, run=run_step,
         expect=ORACLES.expect_step, seeds=(0,),
         note="ent_coef > 0 subtracts ent_coef * masked mean of the token entropy"),
    Case(name="ppo_step/bad_accum_raises", inputs=lambda rng: {**step_inputs(False)(rng), "k": 0},
         compare=raises(ValueError), run=run_step, expect=None, seeds=(0,),
         note="gradient_accumulation_steps < 1 is a ValueError"),
    Case(name="value_head/matches_lm_and_trunk", inputs=head_inputs, compare=close(rtol=1e-4, atol=1e-5),
         run=run_head, expect=ORACLES.expect_head,
         note="logits as the LM's; values = value_head(input of the LM head); one pass through the trunk"),
    Case(name="value_head/zero_init", inputs=head_inputs,
         compare=fields(logits=close(rtol=1e-4, atol=1e-5), values=close(rtol=0.0, atol=0.0)), run=run_head_zero,
         expect=ORACLES.expect_head_zero, seeds=(0,),
         note="a fresh value head is zero: every value is 0, shape (batch, seq)"),
    # float32 backward through two layers (d 16, 7 positions) on both sides, so the error is absolute, relative to
    # the largest gradient entry, not to each (often small, cancelled) entry: another SIMD dispatch and thread
    # count moved entries by up to 22 eps * max|grad| with max|grad| up to 19 (500 draws), so <= ~5e-5: atol 2e-4
    # (atol 1e-6 failed, margin 1.4).
    Case(name="value_head/gradient_reaches_trunk", inputs=head_inputs, compare=close(rtol=1e-4, atol=2e-4),
         run=run_head_grad, expect=ORACLES.expect_head_grad, seeds=(0,),
         note="a shared critic: value gradients reach the trunk"),
))
