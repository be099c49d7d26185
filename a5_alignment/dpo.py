"""Direct Preference Optimization (Rafailov et al., 2023, eq. 7) for one preference pair, with the prompt
template, EOS handling and tokenisation pinned (HANDOUT.md §5)."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from a5_alignment.log_probs import model_logits

# Pinned (HANDOUT §5.1): the prompt goes into this template; the response follows it directly and one EOS
# token id (tokenizer.eos_token_id, appended as an id, never as text) ends it.
DPO_PROMPT_TEMPLATE = (
    "Below is an instruction that describes a task. Write a response that appropriately completes the request."
    "\n\n### Instruction:\n{prompt}\n\n### Response:\n"
)


def dpo_token_ids(tokenizer: Any, prompt: str, response: str,
                  template: str = DPO_PROMPT_TEMPLATE) -> tuple[list[int], int]:
    """(ids, n_prompt): encode(template(prompt)) + encode(response) + [eos_token_id], and how many ids the
    templated prompt takes. The prompt and the response are encoded separately (as §2.1)."""
    eos = getattr(tokenizer, "eos_token_id", None)
    if eos is None:
        raise ValueError("the DPO tokenizer needs an eos_token_id (HANDOUT §5.1)")
    p = list(tokenizer.encode(template.format(prompt=prompt)))
    return p + list(tokenizer.encode(response)) + [int(eos)], len(p)


def response_log_prob(lm: Any, ids: list[int], n_prompt: int) -> Tensor:
    """Sum of log p(ids[t] | ids[:t]) over the response positions t >= n_prompt (EOS included): a scalar."""
    device = next(lm.parameters()).device
    x = torch.tensor([ids], dtype=torch.long, device=device)
    logits = model_logits(lm, x[:, :-1])[0]  # (len - 1, vocab)
    log_p = logits.float().log_softmax(dim=-1).gather(-1, x[0, 1:, None]).squeeze(-1)  # (len - 1,)
    return log_p[n_prompt - 1:].sum()


def dpo_loss(pi_chosen: Tensor, pi_rejected: Tensor, ref_chosen: Tensor, ref_rejected: Tensor,
             beta: float) -> Tensor:
    """The DPO loss from sequence log-probs alone (eq. 7): -log sigmoid(beta * ((pi_chosen - ref_chosen) -
    (pi_rejected - ref_rejected))), elementwise over any batch shape. Tensors only: no model, no tokenizer."""
    # BEGIN SOLUTION
    margin = (pi_chosen - ref_chosen) - (pi_rejected - ref_rejected)
    return -torch.nn.functional.logsigmoid(beta * margin)
    # END SOLUTION


def per_instance_dpo_loss(lm: Any, lm_ref: Any, tokenizer: Any, beta: float, prompt: str, response_chosen: str,
                          response_rejected: str, prompt_template: str = DPO_PROMPT_TEMPLATE) -> Tensor:
    """-log sigmoid(beta * ((log pi(y_w) - log ref(y_w)) - (log pi(y_l) - log ref(y_l)))) for one pair,
    where log pi(y) sums the response tokens' log-probs (EOS included) after the templated prompt. The prompt's
    own tokens are not scored (they would cancel). Gradients flow into lm only. Returns a 0-d tensor.
    `prompt_template` (a str.format pattern with {prompt}) exists for the experiments, whose policies were
    trained on another prompt format; the graded cases always use the pinned default.
    """
    # BEGIN SOLUTION
    chosen, n_c = dpo_token_ids(tokenizer, prompt, response_chosen, prompt_template)
    rejected, n_r = dpo_token_ids(tokenizer, prompt, response_rejected, prompt_template)
    with torch.no_grad():
        ref_c = response_log_prob(lm_ref, chosen, n_c)
        ref_r = response_log_prob(lm_ref, rejected, n_r)
    return dpo_loss(response_log_prob(lm, chosen, n_c), response_log_prob(lm, rejected, n_r), ref_c, ref_r, beta)
    # END SOLUTION
