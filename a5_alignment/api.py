"""The public module map of a5: which file holds which name. Cases reach student code only through these
names (shared/cases/impl.py), so this map is part of the assignment's API: keep it stable."""

API: dict[str, str] = {
    "tokenize_prompt_and_output": "a5_alignment.tokenization:tokenize_prompt_and_output",
    "compute_entropy": "a5_alignment.log_probs:compute_entropy",
    "get_response_log_probs": "a5_alignment.log_probs:get_response_log_probs",
    "masked_normalize": "a5_alignment.masked:masked_normalize",
    "masked_mean": "a5_alignment.masked:masked_mean",
    "sft_microbatch_train_step": "a5_alignment.sft_step:sft_microbatch_train_step",
    "compute_group_normalized_rewards": "a5_alignment.advantages:compute_group_normalized_rewards",
    "compute_naive_policy_gradient_loss": "a5_alignment.pg_losses:compute_naive_policy_gradient_loss",
    "compute_grpo_clip_loss": "a5_alignment.pg_losses:compute_grpo_clip_loss",
    "compute_policy_gradient_loss": "a5_alignment.pg_losses:compute_policy_gradient_loss",
    "grpo_microbatch_train_step": "a5_alignment.pg_losses:grpo_microbatch_train_step",
    "per_instance_dpo_loss": "a5_alignment.dpo:per_instance_dpo_loss",
    "r1_zero_reward_fn": "a5_alignment.reward:r1_zero_reward_fn",
    # optional (§10): PPO with a value head and GAE
    "shape_rewards": "a5_alignment.gae:shape_rewards",
    "masked_whiten": "a5_alignment.gae:masked_whiten",
    "compute_gae": "a5_alignment.gae:compute_gae",
    "PolicyWithValue": "a5_alignment.value_head:PolicyWithValue",
    "compute_value_loss": "a5_alignment.ppo_losses:compute_value_loss",
    "ppo_microbatch_train_step": "a5_alignment.ppo_losses:ppo_microbatch_train_step",
    # optional (§11): evaluation
    "parse_mmlu_response": "a5_alignment.answer_parsing:parse_mmlu_response",
    "parse_gsm8k_response": "a5_alignment.answer_parsing:parse_gsm8k_response",
    "pass_at_k": "a5_alignment.pass_at_k:pass_at_k",
    "encode_pair": "a5_alignment.mc_scoring:encode_pair",
    "score_multiple_choice": "a5_alignment.mc_scoring:score_multiple_choice",
    "text_bits_per_byte": "a5_alignment.bits_per_byte:text_bits_per_byte",
    "ngram_contamination": "a5_alignment.contamination:ngram_contamination",
    # optional (§12): reasoning at inference time
    "majority_vote": "a5_alignment.self_consistency:majority_vote",
    "best_of_n": "a5_alignment.best_of_n:best_of_n",
    # optional (§13): RLHF with a learned reward
    "RewardModel": "a5_alignment.reward_model:RewardModel",
    "preference_loss": "a5_alignment.preference_loss:preference_loss",
    "pairwise_accuracy": "a5_alignment.preference_loss:pairwise_accuracy",
}
