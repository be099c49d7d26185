"""DPO without the reference model: -log sigmoid(beta (log pi(y_w) - log pi(y_l)))."""

import torch

from a5_alignment.dpo import dpo_loss, dpo_token_ids, response_log_prob

UNIT = "a5.dpo"
TARGET = "per_instance_dpo_loss"


def MUTANT(lm, lm_ref, tokenizer, beta, prompt, response_chosen, response_rejected):
    c, n_c = dpo_token_ids(tokenizer, prompt, response_chosen)
    r, n_r = dpo_token_ids(tokenizer, prompt, response_rejected)
    zero = torch.zeros(())
    return dpo_loss(response_log_prob(lm, c, n_c), response_log_prob(lm, r, n_r), zero, zero, beta)
