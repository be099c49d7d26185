"""Cases for a3.plan: the student's plan runs against a simulator of a law drawn from the case's seed (hidden
instances: the term's secret seeds, so a law no student has seen) with a 2e18 FLOP budget, and predicts the
compute-optimal run at 1e19 FLOPs. The verdict compares the prediction with that law's analytic truth (the
closed-form optimum, tables.optimum) in the grader's process. The scale (HANDOUT.md §6.4): four cases, one point
of view each: size within 2x, size within 20%, loss within 3%, learning rate within 1.6x and the right batch size.

The law never reaches the worker: the case's service (a3_scaling/sim/served_api.py) holds the simulator in the
grader's process, the worker receives only the budget and the target, and the plan's API calls travel over the
worker's pipe. The FLOPs used are counted grader-side too.
"""

from __future__ import annotations

import math

import numpy as np

from a3_scaling.cases.tables import law_loss, optimum
from shared.cases import Case, Impl, Suite, predicate

TARGET = 1e19
KEYS = ("n_params", "d_model", "num_layers", "num_heads", "batch_size", "learning_rate", "loss")


def sim_law(rng: np.random.Generator) -> dict:
    """Restates a3_scaling.sim.simulator.random_law (the cases never import code a submission could replace)."""
    lu = lambda lo, hi: float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    return {"E": float(rng.uniform(1.5, 2.0)), "A": lu(250, 600), "B": lu(250, 600),
            "alpha": float(rng.uniform(0.26, 0.40)), "beta": float(rng.uniform(0.26, 0.40)),
            "lr_opt": lu(1.5e-4, 6e-4), "p_lr": 0.02, "batch_opt": int(rng.choice((128, 256))), "p_batch": 0.01,
            "ar_opt": lu(32, 128), "p_ar": 0.01, "noise": 0.002, "seed": int(rng.integers(0, 2**31))}


def plan_inputs(rng: np.random.Generator) -> dict:
    return {"law": sim_law(rng), "budget": 2e18, "target": TARGET}


def public(inp: dict) -> dict:
    """What the worker receives: the budget and the target, never the law."""
    return {"budget": inp["budget"], "target": inp["target"]}


def service(inp: dict):
    """Built in the grader's process from the full inputs: the simulator of the law, behind a request handler."""
    from a3_scaling.sim.served_api import serve

    return serve(inp["law"], inp["budget"])


def run_plan(impl: Impl, inp: dict) -> dict:
    from a3_scaling.sim.served_api import ServedTrainingAPI

    api = ServedTrainingAPI(inp["budget"])
    pred = impl.plan(api, inp["target"])
    if not isinstance(pred, dict):
        raise TypeError(f"plan must return a dict with keys {KEYS}, got {type(pred).__name__}")
    missing = [k for k in KEYS if k not in pred]
    if missing:
        raise KeyError(f"plan's prediction is missing {missing}")
    out = {k: float(pred[k]) for k in ("n_params", "learning_rate", "loss")}
    out.update({k: int(pred[k]) for k in ("d_model", "num_layers", "num_heads", "batch_size")})
    out["flops_used"] = float(api.total_flops_used())
    return out


def truth(inp: dict) -> dict:
    law, c = inp["law"], inp["target"]
    n = float(optimum(law, c))
    return {"n_params": n, "loss": float(law_loss(law, n, c / (6 * n))), "learning_rate": law["lr_opt"],
            "batch_size": law["batch_opt"]}


def size_within(factor: float):
    def check(inp: dict, out: dict) -> tuple[bool, str]:
        t = truth(inp)
        ratio = out["n_params"] / t["n_params"]
        ok = math.isfinite(ratio) and ratio > 0 and abs(math.log(ratio)) <= math.log(factor)
        return ok, f"predicted N = {out['n_params']:.4g}, {ratio:.3f}x the law's optimum (allowed {factor:g}x)"
    return check


def loss_within(inp: dict, out: dict) -> tuple[bool, str]:
    t = truth(inp)
    rel = out["loss"] / t["loss"] - 1
    return abs(rel) <= 0.03, f"predicted loss {out['loss']:.4f} is {100 * rel:+.2f}% off the law's (allowed 3%)"


def hyperparameters(inp: dict, out: dict) -> tuple[bool, str]:
    t = truth(inp)
    ratio = out["learning_rate"] / t["learning_rate"]
    ok_lr = math.isfinite(ratio) and ratio > 0 and abs(math.log(ratio)) <= math.log(1.6)
    ok_batch = out["batch_size"] == t["batch_size"]
    return ok_lr and ok_batch, (f"learning rate {ratio:.3f}x the optimum (allowed 1.6x); batch size "
                                f"{out['batch_size']} ({'right' if ok_batch else 'wrong'})")


def budget_kept(inp: dict, out: dict) -> bool:
    return out["flops_used"] <= inp["budget"]


def _and(*checks):
    def check(inp: dict, out: dict) -> tuple[bool, str]:
        if not budget_kept(inp, out):
            return False, f"used {out['flops_used']:.3g} FLOPs, over the {inp['budget']:.3g} budget"
        for c in checks:
            ok, msg = c(inp, out)
            if not ok:
                return False, msg
        return True, ""
    return check


SUITE = Suite(cases=(
    Case(name="plan/size_within_2x", inputs=plan_inputs,
         compare=predicate("model size within 2x", _and(size_within(2.0))), run=run_plan, expect=None,
         note="predicted N at 1e19 FLOPs within a factor 2", service=service, public=public),
    Case(name="plan/size_within_20pct", inputs=plan_inputs,
         compare=predicate("model size within 20%", _and(size_within(1.2))), run=run_plan, expect=None,
         note="predicted N at 1e19 FLOPs within a factor 1.2", service=service, public=public),
    Case(name="plan/loss_within_3pct", inputs=plan_inputs,
         compare=predicate("loss within 3%", _and(loss_within)), run=run_plan, expect=None,
         note="predicted loss at 1e19 FLOPs within 3%", service=service, public=public),
    Case(name="plan/hyperparameters", inputs=plan_inputs,
         compare=predicate("hyperparameters", _and(hyperparameters)), run=run_plan, expect=None,
         note="learning rate within 1.6x, the better batch size", service=service, public=public),
))
