"""SFT loss averaged over response tokens instead of summed and divided by normalize_constant."""

UNIT = "a5.sft_step"
TARGET = "sft_microbatch_train_step"


def MUTANT(policy_log_probs, response_mask, gradient_accumulation_steps, normalize_constant=1.0):
    m = response_mask.float()
    loss = -((policy_log_probs * m).sum(-1) / m.sum(-1)).mean() / gradient_accumulation_steps
    loss.backward()
    return loss, {}
