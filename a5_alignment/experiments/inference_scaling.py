"""Accuracy against samples per problem (HANDOUT.md §12.3): k samples of the tiny policy per held-out problem at
temperature 1, read two ways from the same samples: self-consistency (your majority_vote over the k answers) and
pass@k (your unbiased pass_at_k from all n samples), for the policy after SFT and after GRPO.

    python -m a5_alignment.experiments.inference_scaling                 # trains SFT and a short GRPO if absent
    python -m a5_alignment.experiments.inference_scaling --preset tiny   # seconds
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from a5_alignment.experiments.checkpoints import grpo_checkpoint, sft_checkpoint
from a5_alignment.experiments.setup import problems, set_threads
from a5_alignment.infra.models import load_policy
from a5_alignment.infra.sampler import SamplingParams, sample
from a5_alignment.infra.tasks import Problem, format_prompt
from a5_alignment.infra.verifier import parse_value
from a5_alignment.pass_at_k import pass_at_k
from a5_alignment.reward import extract_answer
from a5_alignment.self_consistency import majority_vote
from shared.config_cli import parse_config, to_dict

FIGURE = Path(__file__).with_name("inference_scaling.png")  # the committed, measured figure


@dataclass
class ScalingConfig:
    out_dir: str = field(default="out/a5/inference_scaling", metadata={"help": "results.json and the PNG go here"})
    sft_checkpoint: str = field(default="out/a5/tiny/sft/policy.pt", metadata={
        "help": "SFT policy (trained there with sft_steps if absent)"})
    sft_steps: int = field(default=300, metadata={"help": "SFT steps when the checkpoint is absent"})
    grpo_checkpoint: str = field(default="out/a5/inference_scaling/grpo/policy.pt", metadata={
        "help": "GRPO policy (trained there from the SFT one if absent)"})
    grpo_steps: int = field(default=400, metadata={"help": "GRPO step cap when the checkpoint is absent"})
    grpo_cpu_s: float = field(default=300.0, metadata={"help": "GRPO CPU-seconds budget when absent"})
    n_problems: int = field(default=100, metadata={"help": "held-out problems (the first of the fixed test split)"})
    max_samples: int = field(default=64, metadata={"help": "samples per problem (k = 1, 2, 4, ... up to it)"})
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature"})
    max_new_tokens: int = field(default=40, metadata={"help": "tokens per sample"})
    figure: bool = field(default=False, metadata={"help": "also overwrite the committed PNG beside this script"})
    quick: bool = field(default=False, metadata={"help": "train with the SFT/GRPO tiny presets (for tests)"})
    seed: int = field(default=0, metadata={"help": "sampling seed"})
    threads: int = field(default=1, metadata={"help": "torch threads"})


PRESETS = {
    "tiny": ScalingConfig(out_dir="out/a5/inference_scaling_quick", n_problems=6, max_samples=4, sft_steps=20,
                          grpo_steps=2, quick=True, sft_checkpoint="out/a5/inference_scaling_quick/sft/policy.pt",
                          grpo_checkpoint="out/a5/inference_scaling_quick/grpo/policy.pt", max_new_tokens=24),
}


def canonical(response: str) -> str | None:
    """The answer as the verifier reads it ("07", "7.0" and "14/2" are one vote), or None when unreadable."""
    text = extract_answer(response)
    value = None if text is None else parse_value(text)
    return None if value is None else str(value)


def curves(model: torch.nn.Module, tokenizer: object, tests: list[Problem], c: ScalingConfig) -> dict:
    """maj@k and pass@k for k = 1, 2, 4, ..., max_samples from one set of max_samples samples per problem. maj@k
    averages the vote over the max_samples / k disjoint blocks of k samples (less noisy than one block)."""
    n = c.max_samples
    prompts = [format_prompt(p, "short") for p in tests for _ in range(n)]
    params = SamplingParams(c.temperature, 1.0, c.max_new_tokens, ("</answer>",), seed=c.seed)
    t0 = time.process_time()
    texts = [r.text for r in sample(model, tokenizer, prompts, params, batch_size=256)]
    sample_s = time.process_time() - t0
    answers = [canonical(t) for t in texts]
    truths = [str(parse_value(p.answer)) for p in tests]
    ks = [2**i for i in range(n.bit_length()) if 2**i <= n]
    maj, passk = [], []
    for k in ks:
        votes, probs = [], []
        for i, truth in enumerate(truths):
            mine = answers[i * n:(i + 1) * n]
            votes += [majority_vote(mine[j:j + k]) == truth for j in range(0, n - k + 1, k)]
            probs.append(pass_at_k(n, sum(a == truth for a in mine), k))
        maj.append(float(np.mean(votes)))
        passk.append(float(np.mean(probs)))
    return {"k": ks, "maj_at_k": maj, "pass_at_k": passk, "sample_cpu_s": round(sample_s, 1),
            "samples": len(texts), "unreadable": float(np.mean([a is None for a in answers]))}


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for (name, r), color in zip(results["policies"].items(), ("tab:blue", "tab:red"), strict=False):
        ax.plot(r["k"], [100 * x for x in r["maj_at_k"]], "o-", color=color, label=f"{name}: majority vote")
        ax.plot(r["k"], [100 * x for x in r["pass_at_k"]], "s--", color=color, label=f"{name}: pass@k")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("samples per problem k")
    ax.set_ylabel(f"accuracy on {results['n_problems']} held-out problems (%)")
    ax.set_title("tiny policy, temperature 1: self-consistency vs pass@k")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(c: ScalingConfig) -> dict:
    set_threads(c.threads)
    cpu0 = time.process_time()
    sft_path = sft_checkpoint(c.sft_checkpoint, c.sft_steps, c.quick, c.threads)
    cpu_sft = time.process_time() - cpu0
    grpo_path = grpo_checkpoint(c.grpo_checkpoint, sft_path, c.grpo_steps, c.grpo_cpu_s, c.quick, c.threads)
    cpu_grpo = time.process_time() - cpu0 - cpu_sft
    _, tests = problems("add", 99, 10, c.n_problems, 0)
    out = {"config": to_dict(c), "n_problems": c.n_problems, "policies": {},
           "train_cpu_s": {"sft": round(cpu_sft, 1), "grpo": round(cpu_grpo, 1)}}
    for name, path in (("SFT", sft_path), ("SFT+GRPO", grpo_path)):
        model, tok = load_policy("tiny", path)
        model.eval()
        out["policies"][name] = curves(model, tok, tests, c)
    out["cpu_seconds"] = round(time.process_time() - cpu0, 1)
    d = Path(c.out_dir)
    d.mkdir(parents=True, exist_ok=True)
    (d / "results.json").write_text(json.dumps(out, indent=1))
    plot(out, d / "inference_scaling.png")
    if c.figure:
        shutil.copyfile(d / "inference_scaling.png", FIGURE)
    return out


def main(argv: list[str] | None = None) -> int:
    c = parse_config(ScalingConfig, argv, presets=PRESETS)
    r = run(c)
    for name, p in r["policies"].items():
        print(name, {k: (round(m, 3), round(q, 3)) for k, m, q in zip(p["k"], p["maj_at_k"], p["pass_at_k"],
                                                                      strict=True)})
    print("cpu_seconds", r["cpu_seconds"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
