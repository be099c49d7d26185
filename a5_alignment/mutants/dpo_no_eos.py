"""DPO without the EOS token after each response (the handout pins one EOS id)."""

import torch

from a5_alignment.dpo import DPO_PROMPT_TEMPLATE, dpo_loss, response_log_prob

UNIT = "a5.dpo"
TARGET = "per_instance_dpo_loss"


def MUTANT(lm, lm_ref, tokenizer, beta, prompt, response_chosen, response_rejected):
    p = tokenizer.encode(DPO_PROMPT_TEMPLATE.format(prompt=prompt))
    c, r = p + tokenizer.encode(response_chosen), p + tokenizer.encode(response_rejected)
    with torch.no_grad():
        rc, rr = response_log_prob(lm_ref, c, len(p)), response_log_prob(lm_ref, r, len(p))
    return dpo_loss(response_log_prob(lm, c, len(p)), response_log_prob(lm, r, len(p)), rc, rr, beta)
