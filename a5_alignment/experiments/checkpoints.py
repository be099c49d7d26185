"""Starting policies the inference-time and RLHF experiments share (HANDOUT.md §12.3, §13.3): reuse an SFT or GRPO
checkpoint when one exists at the given path, else train it there with the SFT and GRPO scripts' own presets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from a5_alignment.experiments import grpo, sft


def sft_checkpoint(path: str, steps: int, quick: bool = False, threads: int = 1) -> str:
    """out/.../sft/policy.pt: `sft --preset tiny_full --steps steps` (§9: 300 steps, about 60 CPU s), or the
    seconds-long tiny preset when quick."""
    if not Path(path).exists():
        base = sft.PRESETS["tiny" if quick else "tiny_full"]
        sft.run(replace(base, out_dir=str(Path(path).parent), steps=steps, threads=threads))
    return path


def grpo_checkpoint(path: str, init: str, steps: int, cpu_budget_s: float, quick: bool = False,
                    threads: int = 1) -> str:
    """out/.../grpo/policy.pt: GRPO's tiny_full settings from `init`, stopped at `steps` or `cpu_budget_s`."""
    if not Path(path).exists():
        base = grpo.PRESETS["tiny" if quick else "tiny_full"]
        grpo.run(replace(base, out_dir=str(Path(path).parent), init_checkpoint=init, n_grpo_steps=steps,
                         cpu_budget_s=cpu_budget_s, eval_every=10**6, threads=threads))
    return path
