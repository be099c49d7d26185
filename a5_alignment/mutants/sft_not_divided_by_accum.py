"""SFT loss not divided by gradient_accumulation_steps: k microbatches give k times the batch gradient."""

UNIT = "a5.sft_step"
TARGET = "sft_microbatch_train_step"


def MUTANT(policy_log_probs, response_mask, gradient_accumulation_steps, normalize_constant=1.0):
    loss = -((policy_log_probs * response_mask).sum(-1) / normalize_constant).mean()
    loss.backward()
    return loss, {}
