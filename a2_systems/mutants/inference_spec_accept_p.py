"""Accepts a draft token with probability p(x) instead of min(1, p(x) / q(x)): the output no longer follows the
target, and the acceptance rate is sum_x q(x) p(x) instead of sum_x min(p(x), q(x)).

`variant` (one flaw at a time) also serves the other speculative-decoding mutants."""

from __future__ import annotations

import torch

from a2_systems.inference.speculative import SpeculativeResult, _device, _draw, _probs

UNIT = "a2.speculative_decoding"
TARGET = "speculative_decode"


def variant(accept: str = "min", residual: str = "norm", bonus: bool = True):
    """The reference algorithm with one flaw: accept in {"min", "p", "q_over_p"}, residual in {"norm", "p",
    "unnormalised"}, bonus False drops the bonus token."""

    def decode(target, draft, prompt, k, max_new_tokens, temperature=1.0, generator=None):
        ids = [int(i) for i in prompt]
        if not ids or k < 1 or temperature < 0:
            raise ValueError("bad input")
        device = _device(target)
        out = SpeculativeResult([], 0, 0, 0, 0)
        with torch.no_grad():
            while len(out.tokens) < max_new_tokens:
                context = ids + out.tokens
                kk = min(k, max_new_tokens - len(out.tokens) - (1 if bonus else 0))
                drafts, qs = [], []
                for _ in range(kk):
                    q = _probs(draft(torch.tensor([context + drafts], device=device))[0, -1], temperature)
                    out.draft_calls += 1
                    drafts.append(_draw(q, temperature, generator))
                    qs.append(q)
                ps = _probs(target(torch.tensor([context + drafts], device=device))[0, -(kk + 1):], temperature)
                out.target_calls += 1
                if qs and qs[0].shape[-1] != ps.shape[-1]:
                    raise ValueError("vocab mismatch")
                for i, x in enumerate(drafts):
                    p, q = ps[i], qs[i]
                    if temperature == 0:
                        ok = int(p.argmax()) == x
                    else:
                        u = float(torch.rand((), dtype=torch.float64, generator=generator))
                        ratio = {"min": min(1.0, float(p[x] / q[x])), "p": float(p[x]),
                                 "q_over_p": min(1.0, float(q[x] / p[x]))}[accept]
                        ok = u < ratio
                    if not ok:
                        out.rejected += 1
                        res = (p - q).clamp(min=0)
                        if residual == "p":
                            out.tokens.append(_draw(p, temperature, generator))
                        elif residual == "unnormalised":  # inverse CDF against a mass below one
                            u = torch.rand((), dtype=torch.float64, generator=generator)
                            cdf = torch.cumsum(res, 0)
                            out.tokens.append(min(int(torch.searchsorted(cdf, u, right=True)), res.numel() - 1))
                        else:
                            out.tokens.append(_draw(res / res.sum() if res.sum() > 0 else p, temperature,
                                                    generator))
                        break
                    out.accepted += 1
                    out.tokens.append(x)
                else:
                    if bonus:
                        out.tokens.append(_draw(ps[kk], temperature, generator))
        del out.tokens[max_new_tokens:]
        return out

    return decode


MUTANT = variant(accept="p")
