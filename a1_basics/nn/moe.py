"""A mixture-of-experts feed-forward (optional unit, HANDOUT §10): a linear router picks top_k SwiGLU experts per
token, an optional capacity drops overflow tokens, and a Switch-Transformer load-balancing loss is stored beside
the output. A drop-in replacement for the block's SwiGLU (`forward(x) -> Tensor`, same shape)."""

from __future__ import annotations

import math  # noqa: F401  (the release keeps it for the capacity formula)

import torch
from torch import Tensor, nn

# The student release keeps these imports (their uses are stubbed out) to point at the pieces to reuse.
from a1_basics.nn.activations import SwiGLU, softmax  # noqa: F401
from a1_basics.nn.linear import Linear  # noqa: F401


class MoEFeedForward(nn.Module):
    """y = sum over the token's kept top-k experts e of gate_e(x) * SwiGLU_e(x), token by token.

    Parameters (state-dict keys): `router.weight` (num_experts, d_model), a bias-free Linear; `experts.{e}.w1.weight`
    (d_ff_expert, d_model), `experts.{e}.w2.weight` (d_model, d_ff_expert), `experts.{e}.w3.weight` for e in
    0..num_experts-1, an nn.ModuleList of SwiGLU.

    Routing, for the T = prod(x.shape[:-1]) tokens of one forward call taken together in row-major token order:
    - probs = softmax over the experts of router(x), computed in at least float32 (T, num_experts);
    - each token picks its top_k experts by probability; its gates are those top_k probabilities divided by their
      sum (they sum to 1; Mixtral's convention, Jiang et al. 2024);
    - with capacity_factor c, expert e accepts at most ceil(c * T * top_k / num_experts) tokens, in token order:
      the first tokens that chose e are kept and later ones dropped for e (e contributes 0 for them; their other
      gates are not renormalised). capacity_factor None: nothing is dropped.

    After each forward, `self.last_aux_loss` holds the load-balancing loss (a scalar in the dtype of probs, with
    gradient, not scaled by any coefficient) of Switch Transformer (Fedus et al. 2021, eq. 4) extended to top_k:
    num_experts * sum_e f_e * P_e, with f_e = (number of the T * top_k choices that went to e, before capacity
    dropping) / (T * top_k) and P_e the mean router probability of e over the T tokens. It is 1 when routing is
    perfectly uniform. Naive equivalent: the token-by-token loop of HANDOUT §10.
    """

    def __init__(self, d_model: int, d_ff_expert: int, num_experts: int, top_k: int,
                 capacity_factor: float | None = None, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        for name, value in (("d_model", d_model), ("d_ff_expert", d_ff_expert), ("num_experts", num_experts)):
            if value < 1:
                raise ValueError(f"MoEFeedForward: {name} must be at least 1, got {value}")
        if not 1 <= top_k <= num_experts:
            raise ValueError(f"MoEFeedForward: top_k={top_k} must be between 1 and num_experts={num_experts} "
                             f"(a token cannot pick more experts than exist)")
        if capacity_factor is not None and not capacity_factor > 0:
            raise ValueError(f"MoEFeedForward: capacity_factor must be positive or None (no dropping), got "
                             f"{capacity_factor}")
        self.num_experts, self.top_k, self.capacity_factor = num_experts, top_k, capacity_factor
        self.router = Linear(d_model, num_experts, device=device, dtype=dtype)
        self.experts = nn.ModuleList(SwiGLU(d_model, d_ff_expert, device=device, dtype=dtype)
                                     for _ in range(num_experts))
        self.last_aux_loss: Tensor | None = None
        # END SOLUTION

    def capacity(self, num_tokens: int) -> int | None:
        """Tokens one expert accepts in a forward call of `num_tokens` tokens (None: unlimited)."""
        # BEGIN SOLUTION
        if self.capacity_factor is None:
            return None
        # subtle: a product like 1.25 * 16 * 2 / 8 is exact in binary floating point only by luck; rounding a hair
        # above an integer must not add a slot, so snap to the nearest integer first when it is that close.
        raw = self.capacity_factor * num_tokens * self.top_k / self.num_experts
        return math.ceil(round(raw) if abs(raw - round(raw)) < 1e-9 else raw)
        # END SOLUTION

    def route(self, tokens: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """tokens (T, d_model) -> (probs (T, E) in at least float32, top_e (T, k) the chosen experts, gates (T, k)
        their renormalised probabilities): steps 1-3 of HANDOUT §10's routing."""
        # BEGIN SOLUTION
        logits = self.router(tokens)
        # subtle: in bfloat16 the softmax and the gates would round to 3 digits; float64 stays float64.
        probs = softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=-1)  # (T, E)
        top_p, top_e = torch.topk(probs, self.top_k, dim=-1)  # (T, k)
        return probs, top_e, top_p / top_p.sum(dim=-1, keepdim=True)
        # END SOLUTION

    def kept(self, top_e: Tensor) -> Tensor:
        """(T, k) bool: which of the tokens' choices their expert accepts, in token order within its capacity
        (all of them without a capacity): step 4."""
        # BEGIN SOLUTION
        cap = self.capacity(top_e.shape[0])
        if cap is None:
            return torch.ones_like(top_e, dtype=torch.bool)
        choices = _one_hot_choices(top_e, self.num_experts, torch.float32)
        # position of each token in its expert's queue = how many earlier tokens chose that expert
        position = torch.cumsum(choices, dim=0) - choices  # (T, E)
        return position.gather(1, top_e) < cap
        # END SOLUTION

    def dispatch(self, tokens: Tensor, top_e: Tensor, gates: Tensor, keep: Tensor) -> Tensor:
        """The output (T, d_model): each kept choice's expert output on its token, times its gate, summed."""
        # BEGIN SOLUTION
        out = torch.zeros_like(tokens)
        for e, expert in enumerate(self.experts):
            rows, slots = torch.nonzero((top_e == e) & keep, as_tuple=True)
            if rows.numel() == 0:
                continue
            weighted = expert(tokens[rows]) * gates[rows, slots].unsqueeze(-1).to(tokens.dtype)
            out = out.index_add(0, rows, weighted)
        return out
        # END SOLUTION

    def aux_loss(self, probs: Tensor, top_e: Tensor) -> Tensor:
        """Switch Transformer's load-balancing loss extended to top_k: num_experts * sum_e f_e * P_e (a scalar
        with gradient through P_e)."""
        # BEGIN SOLUTION
        # f_e counts the router's choices before any dropping; it is a count, so no gradient flows through it.
        f = _one_hot_choices(top_e, self.num_experts, probs.dtype).sum(dim=0) / top_e.numel()
        return self.num_experts * (f * probs.mean(dim=0)).sum()
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., d_model) -> (..., d_model), in x's dtype; sets self.last_aux_loss. The T tokens of the call
        are routed together, in row-major token order."""
        tokens = x.reshape(-1, x.shape[-1])
        probs, top_e, gates = self.route(tokens)
        self.last_aux_loss = self.aux_loss(probs, top_e)
        return self.dispatch(tokens, top_e, gates, self.kept(top_e)).reshape(x.shape)


# BEGIN SOLUTION ONLY
def _one_hot_choices(top_e: Tensor, num_experts: int, dtype: torch.dtype) -> Tensor:
    """(T, E): 1 where the token chose the expert (at most once per token)."""
    choices = torch.zeros(top_e.shape[0], num_experts, dtype=dtype, device=top_e.device)
    return choices.scatter_(1, top_e, 1.0)
# END SOLUTION ONLY
