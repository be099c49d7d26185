"""Zero-shot baseline (HANDOUT.md §8.1): greedy held-out accuracy and format rate of a policy as it is.

    python -m a5_alignment.experiments.baseline --preset smollm2
    python -m a5_alignment.experiments.baseline --policy tiny --checkpoint out/a5/tiny/sft/policy.pt
"""

from __future__ import annotations

from dataclasses import dataclass, field

from a5_alignment.experiments.evaluation import evaluate
from a5_alignment.experiments.setup import problems, set_threads, start_policy
from shared.config_cli import parse_config, to_dict
from shared.run_log import RunLog


@dataclass
class BaselineConfig:
    policy: str = field(default="tiny", metadata={"help": "tiny or smollm2"})
    checkpoint: str = field(default="", metadata={"help": "weights to evaluate ('' = tiny untrained / SmolLM2)"})
    out_dir: str = field(default="out/a5/baseline", metadata={"help": "log.json goes here"})
    families: str = field(default="add", metadata={"help": "task families, comma-separated"})
    max_value: int = field(default=99, metadata={"help": "largest operand"})
    template: str = field(default="short", metadata={"help": "prompt template: short or r1_zero"})
    n_test: int = field(default=400, metadata={"help": "held-out problems"})
    max_new_tokens: int = field(default=40, metadata={"help": "budget per completion"})
    batch_size: int = field(default=64, metadata={"help": "sampler rows per batch"})
    threads: int = field(default=1, metadata={"help": "torch threads (0 = torch default)"})


PRESETS = {
    "tiny": BaselineConfig(out_dir="out/a5/baseline_tiny_quick", n_test=16, max_new_tokens=16),
    "smollm2": BaselineConfig(policy="smollm2", out_dir="out/a5/smollm2/baseline", template="smol_chat", n_test=64,
                              max_new_tokens=48, batch_size=16),
}


def run(c: BaselineConfig) -> dict:
    set_threads(c.threads)
    model, tok = start_policy(c.policy, c.checkpoint, 0)
    _, test = problems(c.families, c.max_value, 1, c.n_test, 0)
    log = RunLog(c.out_dir, "baseline", to_dict(c))
    r = evaluate(model, tok, test, c.template, c.max_new_tokens, batch_size=c.batch_size, keep=8, progress=True)
    log.log(0, eval_accuracy=r.accuracy, eval_format_rate=r.format_rate, samples=r.samples)
    log.results = r.summary()
    log.write()
    return log.results


def main(argv: list[str] | None = None) -> int:
    c = parse_config(BaselineConfig, argv, presets=PRESETS)
    print(run(c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
