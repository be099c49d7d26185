"""Cases for a5.dpo: two small a1 TransformerLMs (weights drawn here) and the toy tokenizer. Oracles (in
a5_alignment/oracles/dpo.py): a float64 recomputation from full-sequence log-softmax (torch.nn.functional), and the
worked fact that with lm == lm_ref the margin is 0, so the loss is log 2 for any pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer, random_text
from shared.cases import Case, Impl, Oracles, Suite, close
from shared.cases.tensors import randn

ORACLES = Oracles("a5_alignment.oracles.dpo")  # expected values: instructor-only, never released

D, LAYERS, HEADS, FF, CTX = 16, 1, 2, 32, 320


def lm_weights(rng: np.random.Generator) -> dict:
    v = PairTokenizer.vocab_size
    w = {"token_embeddings.weight": randn(rng, (v, D)), "ln_final.weight": np.ones(D, np.float32),
         "lm_head.weight": randn(rng, (v, D), scale=D**-0.5)}
    for i in range(LAYERS):
        p = f"layers.{i}."
        for name in ("q_proj", "k_proj", "v_proj", "output_proj"):
            w[f"{p}attn.{name}.weight"] = randn(rng, (D, D), scale=D**-0.5)
        w[f"{p}ln1.weight"] = np.ones(D, np.float32)
        w[f"{p}ln2.weight"] = np.ones(D, np.float32)
        w[f"{p}ffn.w1.weight"] = randn(rng, (FF, D), scale=D**-0.5)
        w[f"{p}ffn.w2.weight"] = randn(rng, (D, FF), scale=FF**-0.5)
        w[f"{p}ffn.w3.weight"] = randn(rng, (FF, D), scale=D**-0.5)
    return w


def build_lm(weights: dict, dtype: Any = None) -> Any:
    import torch

    from a1_basics.nn.transformer import TransformerLM

    lm = TransformerLM(PairTokenizer.vocab_size, CTX, D, LAYERS, HEADS, FF, 10000.0)
    lm.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    return lm.to(dtype) if dtype is not None else lm


def dpo_inputs(rng: np.random.Generator) -> dict:
    return {"lm": lm_weights(rng), "ref": lm_weights(rng), "beta": float(rng.uniform(0.05, 0.5)),
            "prompt": random_text(rng, 1, 5), "chosen": random_text(rng, 1, 5), "rejected": random_text(rng, 1, 5)}


def run_dpo(impl: Impl, inp: dict) -> Any:
    lm, ref = build_lm(inp["lm"]), build_lm(inp["ref"])
    loss = impl.per_instance_dpo_loss(lm, ref, PairTokenizer(), inp["beta"], inp["prompt"], inp["chosen"],
                                      inp["rejected"])
    loss.backward()
    grad = lm.lm_head.weight.grad
    return {"loss": loss.detach().reshape(()), "ref_has_no_grad": float(all(p.grad is None for p in ref.parameters())),
            "lm_grad_norm": float(grad.norm()) if grad is not None else 0.0}


def same_model_inputs(rng: np.random.Generator) -> dict:
    inp = dpo_inputs(rng)
    inp["ref"] = inp["lm"]
    return inp


def run_same(impl: Impl, inp: dict) -> Any:
    lm, ref = build_lm(inp["lm"]), build_lm(inp["lm"])
    return impl.per_instance_dpo_loss(lm, ref, PairTokenizer(), inp["beta"], inp["prompt"], inp["chosen"],
                                      inp["rejected"]).detach().reshape(())


SUITE = Suite(cases=(
    Case(name="dpo/two_models", inputs=dpo_inputs, compare=close(rtol=1e-4, atol=1e-5), run=run_dpo,
         expect=ORACLES.expect_dpo, seeds=(0, 1, 2), hidden_draws=2,
         note="pinned template and EOS: loss and gradient vs a float64 F.log_softmax oracle; "
                              "no gradient into the reference model"),
    Case(name="dpo/same_model_is_log2", inputs=same_model_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_same, expect=ORACLES.expect_same_model_log2, hidden_draws=0,
         note="lm == lm_ref: the margin is 0 and the loss is -log sigmoid(0) = log 2"),
))
