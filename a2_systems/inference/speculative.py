"""Speculative decoding with a draft model (HANDOUT §6.2; Leviathan et al. 2023, "Fast Inference from
Transformers via Speculative Decoding", Algorithm 1; Chen et al. 2023, "Accelerating Large Language Model
Decoding with Speculative Sampling").

Each round the cheap draft model proposes up to k tokens one by one (x_i ~ q(. | prefix, x_<i)); the target
scores all of them in ONE call, giving p(. | prefix, x_<i) for i = 1..k+1. Draft token x_i is accepted with
probability min(1, p(x_i) / q(x_i)); at the first rejection the round ends with a token drawn from the residual
norm(max(0, p - q)); when all are accepted, a bonus token is drawn from the target's (k+1)-th distribution.
The tokens produced are distributed exactly as sampling from the target alone, whatever the draft; the draft only
decides how many tokens each target call yields. A draft token is accepted with probability
alpha = sum_x min(p(x), q(x)) (Leviathan et al. §3), so a round yields (1 - alpha^(k+1)) / (1 - alpha)
tokens on average (their Eq. 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

Model = Callable[[Tensor], Tensor]  # ids (1, seq) int64 -> logits (1, seq, vocab)


@dataclass
class SpeculativeResult:
    """What speculative_decode produced and how.

    tokens: the new token ids (the prompt excluded), exactly max_new_tokens of them.
    accepted: draft tokens accepted; rejected: draft tokens rejected (at most one per round).
    target_calls, draft_calls: forward calls made to each model.
    """

    tokens: list[int]
    accepted: int
    rejected: int
    target_calls: int
    draft_calls: int

    @property
    def acceptance_rate(self) -> float:
        """Accepted over evaluated draft tokens: an estimate of alpha (nan when no draft token was evaluated)."""
        evaluated = self.accepted + self.rejected
        return self.accepted / evaluated if evaluated else float("nan")


def speculative_decode(target: Model, draft: Model, prompt: Sequence[int] | Tensor, k: int, max_new_tokens: int,
                       temperature: float = 1.0, generator: torch.Generator | None = None) -> SpeculativeResult:
    """Samples max_new_tokens tokens after a non-empty prompt from the target, with the draft proposing.

    target, draft: called as model(ids (1, seq) int64) -> logits (1, seq, vocab), the same vocab; no KV cache
    (each call gets the whole sequence). Probabilities are softmax(logits / temperature), computed in float64.
    A round drafts min(k, tokens still to produce - 1) tokens, so no token is produced and then thrown away.
    temperature 0 is greedy: a draft token is accepted when it is the target's argmax, and the result equals
    plain greedy decoding of the target. Every random draw (draft samples, acceptance tests, residual and bonus
    samples) uses `generator` (torch's default generator when None). Raises ValueError for k < 1, a negative
    temperature or max_new_tokens, an empty prompt, or models with different vocab sizes.
    """
    # BEGIN SOLUTION
    ids = [int(i) for i in (prompt.tolist() if isinstance(prompt, Tensor) else prompt)]
    if not ids:
        raise ValueError("speculative_decode needs a non-empty prompt")
    if k < 1:
        raise ValueError(f"k (draft tokens per round) must be at least 1, got {k}")
    if temperature < 0 or max_new_tokens < 0:
        raise ValueError(f"temperature and max_new_tokens must be >= 0, got {temperature} and {max_new_tokens}")
    device = _device(target)
    out = SpeculativeResult([], 0, 0, 0, 0)
    with torch.no_grad():
        while len(out.tokens) < max_new_tokens:
            context = ids + out.tokens
            kk = min(k, max_new_tokens - len(out.tokens) - 1)
            drafts: list[int] = []
            qs: list[Tensor] = []
            for _ in range(kk):
                q = _probs(draft(torch.tensor([context + drafts], device=device))[0, -1], temperature)
                out.draft_calls += 1
                drafts.append(_draw(q, temperature, generator))
                qs.append(q)
            ps = _probs(target(torch.tensor([context + drafts], device=device))[0, -(kk + 1):], temperature)
            out.target_calls += 1
            if qs and qs[0].shape[-1] != ps.shape[-1]:
                raise ValueError(f"the draft's vocab ({qs[0].shape[-1]}) differs from the target's "
                                 f"({ps.shape[-1]}): both models must share one tokenizer")
            for i, x in enumerate(drafts):
                p, q = ps[i], qs[i]
                if temperature == 0:
                    ok = int(p.argmax()) == x
                else:
                    u = float(torch.rand((), dtype=torch.float64, generator=generator, device=p.device))
                    ok = u < min(1.0, float(p[x] / q[x]))
                if not ok:
                    out.rejected += 1
                    residual = (p - q).clamp(min=0)
                    # subtle: p == q up to rounding leaves no residual mass (and a rejection had probability ~0)
                    out.tokens.append(_draw(residual / residual.sum() if residual.sum() > 0 else p, temperature,
                                            generator))
                    break
                out.accepted += 1
                out.tokens.append(x)
            else:
                out.tokens.append(_draw(ps[kk], temperature, generator))  # the bonus token
    return out
    # END SOLUTION


# BEGIN SOLUTION ONLY
def _device(model: Model) -> torch.device:
    params = getattr(model, "parameters", None)
    first = next(iter(params()), None) if callable(params) else None
    return first.device if first is not None else torch.device("cpu")


def _probs(logits: Tensor, temperature: float) -> Tensor:
    """float64 probabilities (..., vocab); at temperature 0 a one-hot of the argmax (lowest id among ties)."""
    logits = logits.double()
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(dim=-1), logits.shape[-1]).double()
    return torch.softmax(logits / temperature, dim=-1)


def _draw(probs: Tensor, temperature: float, generator: torch.Generator | None) -> int:
    if temperature == 0:
        return int(probs.argmax())
    return int(torch.multinomial(probs, 1, generator=generator))
# END SOLUTION ONLY
