"""Edge cases of the model, training, decoding and accounting units, graded only at hidden seeds; each within
what the handout pins down (any leading dims, one token, a cache reused after reset(), AdamW's defaults, no
warm-up, one valid window, a non-checkpoint file, a tiny top-p, the context-length stop)."""

from __future__ import annotations

import io

import numpy as np

from a1_basics.cases import decoding, kv_cache, model, training
from a1_basics.cases.tensors import DIST_ALPHA
from shared.cases import Case, Impl, Oracles, Suite, close, distribution, exact, hide, predicate, raises
from shared.cases.tensors import tensor

# expected values: instructor-only, never released (this driver's own oracles, and those it shares with the cases)
ORACLES = Oracles("a1_basics.oracles.model_edges")
MODEL = Oracles("a1_basics.oracles.model")
TRAINING = Oracles("a1_basics.oracles.training")
DECODING = Oracles("a1_basics.oracles.decoding")


def mhsa_4d(rng: np.random.Generator) -> dict:
    inp = model.mhsa_inputs(16, 4, 2, "default", batch=(2, 3))(rng)
    inp["x"] = inp["x"][:, :, :4]  # (2, 3, 4, 16)
    return inp


def block_one_token(rng: np.random.Generator) -> dict:
    inp = model.block_inputs(4)(rng)
    inp["x"] = inp["x"][:1, :1]
    return inp


def adamw_defaults(rng: np.random.Generator) -> dict:
    inp = training.adamw_inputs(groups=False)(rng)
    inp["groups"] = [{"lr": 1e-3, "weight_decay": 0.01, "betas": (0.9, 0.999)}]
    return inp


def run_adamw_defaults(impl: Impl, inp: dict) -> list:
    import torch

    params = [torch.nn.Parameter(tensor(p).clone()) for p in inp["params"]]
    opt = impl.AdamW(params)  # lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01
    for t in range(training.ADAMW_STEPS):
        for p, g in zip(params, inp["grads"], strict=True):
            p.grad = tensor(g[t]).clone()
        opt.step()
    return [p.detach() for p in params]


def no_warmup(rng: np.random.Generator) -> dict:
    inp = training.schedule_inputs(rng)
    return {**inp, "warmup": 0, "ts": list(range(inp["cycle"] + 3))}


def single_window(rng: np.random.Generator) -> dict:
    return training.batch_window_inputs(13, 12, 5)(rng)


def all_rows_start_at_zero(inp: dict, out: dict) -> tuple[bool, str]:
    ok, msg = training.windows_are_slices(inp, out)
    if not ok:
        return ok, msg
    return bool((out["x"] == inp["dataset"][:-1]).all()), "the only window of 13 tokens starts at 0"


def run_load_tensor_file(impl: Impl, inp: dict) -> object:
    import torch

    buf = io.BytesIO()
    torch.save(torch.arange(inp["n"]), buf)  # a valid torch file, but not a checkpoint
    buf.seek(0)
    model_, opt, _ = training._tiny_training(0)
    return impl.load_checkpoint(buf, model_, opt)


def tiny_top_p(rng: np.random.Generator) -> dict:
    probs = decoding.softmax64(rng.standard_normal((3, 9)) * 2.0).astype(np.float32)
    return {"probs": probs, "p": 1e-3}


def tiny_top_p_sampling(rng: np.random.Generator) -> dict:
    inp = decoding.sample_inputs(rng)
    return {**inp, "top_p": 1e-3}


def context_limit(rng: np.random.Generator) -> dict:
    inp = decoding.lm_inputs(12, 13, 3, context_length=16)(rng)
    inp["max_new_tokens"] = 10  # only 3 fit in the context of 16
    return inp


SUITE = Suite(cases=(
    Case(name="gqa/edge_leading_dims", inputs=mhsa_4d, compare=model.MODEL_CLOSE, run=model.run_mhsa,
         expect=MODEL.expect_mhsa, note="x with two leading dims (2, 3, 4, 16), GQA and RoPE"),
    Case(name="block/edge_one_token", inputs=block_one_token, compare=model.MODEL_CLOSE,
         run=model.run_block, expect=MODEL.expect_block, note="a single sequence of one token"),
    Case(name="lm/edge_one_token", inputs=model.lm_inputs(batch=1, seq_range=(1, 2)),
         compare=model.MODEL_CLOSE, run=model.run_lm, expect=MODEL.expect_lm, note="token ids of shape (1, 1)"),
    Case(name="kv_cache/edge_reset_reuse",
         inputs=kv_cache.cached_inputs([4, 1, 2], batch=1, first_batch=2), compare=model.MODEL_CLOSE,
         run=kv_cache.run_cache_reset, expect=MODEL.expect_lm,
         note="a cache filled with a batch of 2, reset(), then reused for a batch of 1"),
    Case(name="cross_entropy/edge_float64", inputs=training.ce_inputs((7,), 11, 5.0, np.float64),
         compare=close(rtol=1e-10, atol=1e-12), run=training.run_ce, expect=TRAINING.expect_ce,
         note="float64 logits: the loss is float64"),
    Case(name="adamw/edge_defaults", inputs=adamw_defaults, compare=training.ADAMW_CLOSE,
         run=run_adamw_defaults, expect=TRAINING.expect_adamw,
         note="AdamW(params) with the default lr, betas, eps and weight_decay"),
    Case(name="lr_schedule/edge_no_warmup", inputs=no_warmup,
         compare=close(rtol=1e-9, atol=1e-12), run=training.run_schedule, expect=TRAINING.expect_schedule,
         note="warmup_iters = 0: the cosine starts at t = 0"),
    Case(name="get_batch/edge_single_window", inputs=single_window,
         compare=predicate("every row is the only window", all_rows_start_at_zero), run=training.run_batch_windows,
         note="a dataset of context_length + 1 tokens has exactly one window"),
    Case(name="checkpoint/edge_not_a_checkpoint",
         inputs=lambda rng: {"n": int(rng.integers(3, 30))}, compare=raises(ValueError), run=run_load_tensor_file,
         note="a torch file holding a tensor is not a checkpoint: ValueError"),
    Case(name="top_p/edge_tiny_p", inputs=tiny_top_p, compare=close(rtol=1e-6, atol=1e-7),
         run=decoding.run_top_p, expect=ORACLES.expect_tiny_top_p,
         note="a tiny p keeps only the most probable token"),
    Case(name="sample/edge_tiny_top_p", inputs=tiny_top_p_sampling,
         compare=distribution(alpha=DIST_ALPHA), run=decoding.run_sample, expect=DECODING.expect_sample_probs,
         note="a tiny top_p always draws the argmax"),
    Case(name="generate/edge_context_limit", inputs=context_limit, compare=exact(), public=hide("path"),
         run=decoding.run_generate(False), expect=ORACLES.expect_path,
         note="a 13-token prompt with context_length 16: only 3 new tokens"),
))


