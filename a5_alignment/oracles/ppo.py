"""Expected values of a5's PPO-step and value-head cases (a5_alignment/cases/ppo.py), instructor-only (no release
ships it; nothing the worker imports imports it): the value loss in numpy and by hand, the step's loss and
gradients from float64 autograd of an independently written objective, and the value head from a forward hook
on a1's TransformerLM."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases.ppo import small_lm
from shared.cases.tensors import f64


def expect_value_loss(inp: dict) -> np.ndarray:
    v, old, ret, m, c = f64(inp["values"]), f64(inp["old"]), f64(inp["returns"]), inp["mask"], inp["c"]
    v_clip = old + np.clip(v - old, -c, c)
    per = np.maximum((v - ret) ** 2, (v_clip - ret) ** 2)
    return np.asarray(0.5 * per[m].mean(), dtype=np.float32)


def expect_value_worked(inp: dict) -> np.ndarray:
    # By hand, c = 0.2 around old = 0.5, so V_clip lies in [0.3, 0.7]:
    # t=0: V=1 -> V_clip 0.7, R=2: max(1, 1.69) = 1.69; t=1: V=0 -> V_clip 0.3, R=0: max(0, 0.09) = 0.09;
    # t=2: V=2 -> V_clip 0.7, R=0: max(4, 0.49) = 4; t=3 masked out. 0.5 * (1.69 + 0.09 + 4) / 3 = 0.963333...
    return np.asarray(0.5 * 5.78 / 3, dtype=np.float32)


def expect_step(inp: dict) -> dict:
    """Oracle: the objective written out in float64 torch (token-level masked means), and its autograd."""
    import torch

    lp = torch.tensor(f64(inp["lp"]), requires_grad=True)
    v = torch.tensor(f64(inp["values"]), requires_grad=True)
    old_lp, old_v, adv, ret = (torch.tensor(f64(inp[k])) for k in ("old_lp", "old_values", "adv", "returns"))
    m = torch.tensor(inp["mask"]).double()
    n = m.sum()
    ratio = (lp - old_lp).exp()
    c, cv = inp["clip"], inp["clip_v"]
    surrogate = torch.where(adv >= 0, torch.clamp(ratio, max=1 + c) * adv, torch.clamp(ratio, min=1 - c) * adv)
    policy = -(surrogate * m).sum() / n
    v_clip = torch.clamp(v, old_v - cv, old_v + cv)
    value = 0.5 * (torch.maximum((v - ret) ** 2, (v_clip - ret) ** 2) * m).sum() / n
    loss = policy + inp["vf"] * value
    ent = None
    if inp["entropy"] is not None:
        ent = torch.tensor(f64(inp["entropy"]), requires_grad=True)
        loss = loss - inp["ent_coef"] * (ent * m).sum() / n
    loss = loss / inp["k"]
    loss.backward()
    out = {"loss": np.asarray(loss.item(), dtype=np.float32),
           "grad_log_probs": lp.grad.numpy().astype(np.float32), "grad_values": v.grad.numpy().astype(np.float32)}
    if ent is not None:
        out["grad_entropy"] = ent.grad.numpy().astype(np.float32)
    return out


# ---- the value head on a1's TransformerLM ----

def expect_head(inp: dict) -> dict:
    """Oracle: the unwrapped LM's logits, and the input of its LM head captured by a forward hook, projected in
    float64 numpy; ln_final runs once per forward."""
    import torch

    lm = small_lm(inp)
    seen = {}
    lm.ln_final.register_forward_hook(lambda mod, args, out: seen.update(h=out.detach()))
    with torch.no_grad():
        logits = lm(torch.from_numpy(inp["ids"]))
    values = f64(seen["h"].numpy()) @ f64(inp["w"])[0] + f64(inp["b"])[0]
    return {"logits": logits.numpy(), "values": values.astype(np.float32), "final_norm_calls": 1}


def expect_head_zero(inp: dict) -> dict:
    """The LM's own logits (so the answer depends on the inputs: grader/replay.py) and zero values."""
    return {"logits": expect_head(inp)["logits"], "values": np.zeros(inp["ids"].shape, dtype=np.float32)}


def expect_head_grad(inp: dict) -> np.ndarray:
    """Oracle: autograd of sum(w . h + b) with h captured by a hook on the unwrapped LM."""
    import torch

    lm = small_lm(inp)
    seen = {}
    lm.ln_final.register_forward_hook(lambda mod, args, out: seen.update(h=out))
    lm(torch.from_numpy(inp["ids"]))
    (seen["h"] @ torch.from_numpy(inp["w"])[0] + torch.from_numpy(inp["b"])[0]).sum().backward()
    return lm.token_embeddings.weight.grad.numpy()
