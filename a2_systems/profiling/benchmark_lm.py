"""`python -m a2_systems.profiling.benchmark_lm`: time a1's TransformerLM forward, forward+backward or a full
training step (HANDOUT §2.1), optionally in bf16 autocast, with a torch.profiler table and peak live memory.

    python -m a2_systems.profiling.benchmark_lm --preset tiny
    python -m a2_systems.profiling.benchmark_lm --size small --mode train_step --mixed-precision true
"""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shared.config_cli import parse_config


@dataclass
class BenchConfig:
    size: str = field(default="small", metadata={"help": "model size: tiny, small, medium, large, xl, 2.7B"})
    context_length: int = field(default=128, metadata={"help": "sequence length of the random batch"})
    batch_size: int = field(default=4, metadata={"help": "sequences per step"})
    mode: str = field(default="forward_backward", metadata={"help": "forward, forward_backward or train_step"})
    warmup: int = field(default=2, metadata={"help": "unmeasured steps first"})
    steps: int = field(default=5, metadata={"help": "measured steps"})
    mixed_precision: bool = field(default=False, metadata={"help": "bf16 autocast around the forward"})
    profile: bool = field(default=False, metadata={"help": "print a torch.profiler table of one step"})
    memory: bool = field(default=True, metadata={"help": "measure peak live memory of one step"})
    out: str = field(default="", metadata={"help": "write the results as JSON here"})


PRESETS = {"tiny": BenchConfig(size="tiny", context_length=64, batch_size=2, warmup=1, steps=3)}
MODES = ("forward", "forward_backward", "train_step")


def run(config: BenchConfig) -> dict:
    import torch

    from a1_basics.losses import cross_entropy
    from a1_basics.optim.adamw import AdamW
    from a2_systems.profiling.memory import PeakMemoryTracker
    from a2_systems.profiling.models import build_lm
    from a2_systems.profiling.profile import format_table, profile_ops
    from a2_systems.profiling.timing import benchmark

    if config.mode not in MODES:
        raise ValueError(f"--mode must be one of {', '.join(MODES)}, got '{config.mode}'")
    model = build_lm(config.size, context_length=max(config.context_length, 1))
    optimizer = AdamW(model.parameters(), lr=1e-4)
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, model.config.vocab_size, (config.batch_size, config.context_length), generator=gen)
    y = torch.roll(x, -1, dims=1)

    def step() -> None:
        ctx = torch.autocast("cpu", dtype=torch.bfloat16) if config.mixed_precision else contextlib.nullcontext()
        if config.mode == "forward":
            with torch.no_grad(), ctx:
                model(x)
            return
        with ctx:
            logits = model(x)
        loss = cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        if config.mode == "train_step":
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    timing = benchmark(step, warmup=config.warmup, steps=config.steps)
    result = {"config": asdict(config), "mean_s": timing.mean_s, "std_s": timing.std_s,
              "tokens_per_s": config.batch_size * config.context_length / timing.mean_s}
    if config.memory:
        with PeakMemoryTracker() as mem:
            step()
        result["peak_live_mb"] = mem.peak_bytes / 2**20
    if config.profile:
        print(format_table(profile_ops(step, steps=1, warmup=0)))
    return result


def main(argv: list[str] | None = None) -> int:
    config = parse_config(BenchConfig, argv, presets=PRESETS, description=__doc__)
    result = run(config)
    print(f"{config.size} {config.mode}{' bf16' if config.mixed_precision else ''}: "
          f"{result['mean_s'] * 1e3:.1f} ± {result['std_s'] * 1e3:.1f} ms/step, {result['tokens_per_s']:.0f} tokens/s"
          + (f", peak live {result['peak_live_mb']:.1f} MB" if "peak_live_mb" in result else ""))
    if config.out:
        Path(config.out).parent.mkdir(parents=True, exist_ok=True)
        Path(config.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
