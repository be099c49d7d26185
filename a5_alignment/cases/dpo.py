"""Cases for a5.dpo: two small a1 TransformerLMs (weights drawn here) and the toy tokenizer. Oracles: a float64
recomputation from full-sequence log-softmax (torch.nn.functional), and the worked fact that with lm == lm_ref
the margin is 0, so the loss is log 2 for any pair."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from a5_alignment.cases.tensors import PairTokenizer, random_text
from shared.cases import Case, Impl, Suite, close
from shared.cases.tensors import randn

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


TEMPLATE = ("Below is an instruction that describes a task. Write a response that appropriately completes the "
            "request.\n\n### Instruction:\n{prompt}\n\n### Response:\n")


def expect_dpo(inp: dict) -> dict:
    """Oracle in float64: the pinned template, ids = enc(template) + enc(response) + [eos]; sum of
    F.log_softmax over the response positions; -F.logsigmoid(beta * margin); and the analytic gradient norm
    taken from autograd of this float64 recomputation."""
    import torch
    import torch.nn.functional as F

    tok = PairTokenizer()
    lm, ref = build_lm(inp["lm"], torch.float64), build_lm(inp["ref"], torch.float64)

    def logp(model: Any, response: str) -> torch.Tensor:
        p = tok.encode(TEMPLATE.format(prompt=inp["prompt"]))
        ids = torch.tensor(p + tok.encode(response) + [tok.eos_token_id])
        lsm = F.log_softmax(model(ids[None])[0], dim=-1)  # (len, vocab)
        positions = torch.arange(len(p), len(ids))
        return lsm[positions - 1, ids[positions]].sum()

    margin = (logp(lm, inp["chosen"]) - logp(ref, inp["chosen"]).detach()) - (
        logp(lm, inp["rejected"]) - logp(ref, inp["rejected"]).detach())
    loss = -F.logsigmoid(inp["beta"] * margin)
    loss.backward()
    return {"loss": np.asarray(loss.item(), np.float32), "ref_has_no_grad": 1.0,
            "lm_grad_norm": float(lm.lm_head.weight.grad.norm())}


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
         expect=expect_dpo, seeds=(0, 1, 2), hidden_draws=2,
         note="pinned template and EOS: loss and gradient vs a float64 F.log_softmax oracle; "
                              "no gradient into the reference model"),
    Case(name="dpo/same_model_is_log2", inputs=same_model_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_same, expect=lambda inp: np.asarray(math.log(2.0), np.float32), hidden_draws=0,
         note="lm == lm_ref: the margin is 0 and the loss is -log sigmoid(0) = log 2"),
))
