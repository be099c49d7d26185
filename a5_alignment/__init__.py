"""a5 Alignment: SFT, expert iteration, GRPO and DPO (planned: issue P6)."""
