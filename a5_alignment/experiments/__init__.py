"""Experiment scripts of a5 (HANDOUT.md §8): zero-shot baseline, SFT, expert iteration, GRPO and DPO. Each is a
config dataclass (with a `tiny` preset that runs in seconds) and a thin CLI; each writes a JSON log and a PNG
plot under its out_dir."""
