"""Log-likelihood multiple-choice scoring as EleutherAI's lm-evaluation-harness defines it (HANDOUT.md §11.3):
each choice is scored by the sum of its continuation's token log-probs given the context; `acc` picks the
highest sum, `acc_norm` the highest sum per character of the choice."""

from __future__ import annotations

from typing import Any

import torch


def _logits(model: Any, ids: torch.Tensor) -> torch.Tensor:
    out = model(ids)
    return out.logits if hasattr(out, "logits") else out


def encode_pair(tokenizer: Any, context: str, continuation: str) -> tuple[list[int], list[int]]:
    """(context tokens, continuation tokens) as the harness's `_encode_pair`:

    - the context's trailing whitespace (what str.rstrip removes) moves to the front of the continuation;
    - continuation tokens = encode(context + continuation)[len(encode(context)):], so a merge across the boundary
      belongs to the continuation's side as the tokenizer splits the whole text;
    - an empty context is [tokenizer.eos_token_id] and the continuation is encoded alone.
    An empty continuation, a context of whitespace only, or a split that leaves the continuation no token of
    its own is a ValueError.
    """
    # BEGIN SOLUTION
    if continuation == "":
        raise ValueError("encode_pair: the continuation is empty (nothing to score)")
    if context == "":
        return [tokenizer.eos_token_id], list(tokenizer.encode(continuation))
    n_spaces = len(context) - len(context.rstrip())
    if n_spaces == len(context):
        raise ValueError("encode_pair: the context is whitespace only")
    if n_spaces > 0:
        continuation = context[-n_spaces:] + continuation
        context = context[:-n_spaces]
    whole = list(tokenizer.encode(context + continuation))
    context_ids = list(tokenizer.encode(context))
    continuation_ids = whole[len(context_ids):]
    if not continuation_ids:
        raise ValueError(f"encode_pair: {continuation!r} has no token of its own after {context!r}")
    return context_ids, continuation_ids
    # END SOLUTION


def score_multiple_choice(model: Any, tokenizer: Any, context: str, choices: list[str], gold: int,
                          target_delimiter: str = " ") -> dict[str, Any]:
    """{"loglikelihoods": float64 array (one per choice), "acc": 1.0 or 0.0, "acc_norm": 1.0 or 0.0}.

    Choice i is the continuation target_delimiter + choices[i] of the context; its log-likelihood is the sum over
    its continuation tokens (encode_pair) of log p(token | every token before it), from ONE forward pass of the
    model over context tokens + continuation tokens (the last token is never an input). acc is whether the
    argmax of the log-likelihoods is gold; acc_norm whether the argmax of loglikelihood / len(choices[i]) (in
    characters, without the delimiter, as the harness's completion_len) is; ties go to the first (np.argmax).
    No gradient is needed: run under torch.no_grad(). No choices, an empty choice or gold outside them is a
    ValueError.
    """
    # BEGIN SOLUTION
    if len(choices) == 0 or any(len(c) == 0 for c in choices):
        raise ValueError("score_multiple_choice: needs at least one choice and no empty choice")
    if not 0 <= gold < len(choices):
        raise ValueError(f"score_multiple_choice: gold {gold} is not the index of one of {len(choices)} choices")
    lls = []
    with torch.no_grad():
        for choice in choices:
            ctx, cont = encode_pair(tokenizer, context, target_delimiter + choice)
            ids = ctx + cont
            logp = torch.log_softmax(_logits(model, torch.tensor([ids[:-1]])).double(), dim=-1)[0]
            targets = torch.tensor(ids[1:])
            token_lp = logp.gather(-1, targets[:, None])[:, 0]
            lls.append(float(token_lp[-len(cont):].sum()))
    ll = torch.tensor(lls, dtype=torch.float64).numpy()
    lengths = torch.tensor([float(len(c)) for c in choices], dtype=torch.float64).numpy()
    return {"loglikelihoods": ll, "acc": float(int(ll.argmax()) == gold),
            "acc_norm": float(int((ll / lengths).argmax()) == gold)}
    # END SOLUTION
