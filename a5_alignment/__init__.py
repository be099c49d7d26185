"""a5 Alignment: SFT, expert iteration, GRPO and DPO on procedurally generated math tasks, with a tiny model
trained from scratch and SmolLM2-135M-Instruct (HANDOUT.md)."""
