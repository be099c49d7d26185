"""Evaluate a checkpoint offline and write a report card (HANDOUT §11.6): bits per byte of held-out text,
log-likelihood multiple choice (acc, acc_norm), greedy accuracy read two ways (the r1-zero reward, and GSM8K's
last number), pass@k from sampled completions (plotted against k beside the greedy accuracy, pass_at_k.png), and
the n-gram contamination of the test set by the training set.
The tasks are generated (infra/tasks.py) and written to small GSM8K- and MMLU-format jsonl files, which the
evaluation then reads back through the loaders, so the same code runs on the real files where they exist.

    python -m a5_alignment.evaluate --checkpoint out/a5/tiny/sft/policy.pt
    python -m a5_alignment.evaluate --preset smoke          # an untrained tiny model, seconds
    python -m a5_alignment.evaluate --policy a1 --checkpoint out/a1-train/checkpoint.pt   # an a1 run's model

Finished code over the §11 units (answer_parsing, pass_at_k, mc_scoring, bits_per_byte, contamination): it fails
with their NotImplementedError until they are written.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from a5_alignment.answer_parsing import parse_gsm8k_response
from a5_alignment.bits_per_byte import text_bits_per_byte
from a5_alignment.contamination import ngram_contamination
from a5_alignment.experiments.setup import problems, set_threads, start_policy
from a5_alignment.infra.math_data import LETTERS, load_gsm8k, load_mmlu
from a5_alignment.infra.models import load_a1_policy
from a5_alignment.infra.sampler import SamplingParams, sample
from a5_alignment.infra.tasks import Problem, format_prompt, format_response
from a5_alignment.infra.verifier import answers_match
from a5_alignment.mc_scoring import score_multiple_choice
from a5_alignment.pass_at_k import pass_at_k
from a5_alignment.reward import r1_zero_reward_fn
from shared.config_cli import parse_config, to_dict


@dataclass
class EvaluateConfig:
    policy: str = field(default="tiny", metadata={"help": "tiny, smollm2 or a1 (a checkpoint of a1's train)"})
    checkpoint: str = field(default="", metadata={
        "help": "weights to evaluate ('' = tiny untrained / SmolLM2; a1: its run's checkpoint.pt)"})
    tokenizer: str = field(default="", metadata={
        "help": "a1 only: the tokenizer/ folder (vocab.json, merges.txt) of the model's data ('' = the run's "
                "data_dir/tokenizer)"})
    out_dir: str = field(default="out/a5/evaluate", metadata={"help": "report.json, report.md and the data files"})
    families: str = field(default="add", metadata={"help": "task families, comma-separated"})
    max_value: int = field(default=99, metadata={"help": "largest operand"})
    template: str = field(default="short", metadata={"help": "prompt template: short, r1_zero or smol_chat"})
    n_test: int = field(default=100, metadata={"help": "held-out problems"})
    n_train: int = field(default=2000, metadata={"help": "training problems (the contamination corpus)"})
    n_choices: int = field(default=4, metadata={"help": "options per multiple-choice question"})
    n_samples: int = field(default=8, metadata={"help": "sampled completions per problem for pass@k"})
    ks: str = field(default="1,2,4,8", metadata={"help": "k values of pass@k (each <= n_samples)"})
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature for pass@k"})
    max_new_tokens: int = field(default=40, metadata={"help": "budget per completion"})
    ngram: int = field(default=13, metadata={"help": "n of the contamination n-grams (words)"})
    batch_size: int = field(default=64, metadata={"help": "sampler rows per batch"})
    threads: int = field(default=1, metadata={"help": "torch threads (0 = torch default)"})
    seed: int = field(default=0, metadata={"help": "seed of the training problems, distractors and sampling"})


PRESETS = {
    "smoke": EvaluateConfig(out_dir="out/a5/evaluate_smoke", n_test=6, n_train=40, n_samples=2, ks="1,2",
                            max_new_tokens=8),
    "smollm2": EvaluateConfig(policy="smollm2", out_dir="out/a5/smollm2/evaluate", template="smol_chat", n_test=40,
                              n_samples=4, ks="1,2,4", max_new_tokens=48, batch_size=16),
}


def write_data_files(test: list[Problem], out: Path, n_choices: int, rng: np.random.Generator) -> tuple[Path, Path]:
    """The test problems as GSM8K ("answer": worked solution, then "#### answer") and MMLU (the answer among
    n_choices - 1 nearby wrong numbers, its letter as "answer") jsonl files."""
    out.mkdir(parents=True, exist_ok=True)
    gsm8k, mmlu = out / "gsm8k_format.jsonl", out / "mmlu_format.jsonl"
    with gsm8k.open("w") as f:
        for p in test:
            f.write(json.dumps({"question": p.question, "answer": f"{p.solution}\n#### {p.answer}"}) + "\n")
    with mmlu.open("w") as f:
        for p in test:
            truth = int(p.answer)
            wrong: set[int] = set()
            while len(wrong) < n_choices - 1:
                wrong.add(truth + int(rng.choice([-10, -2, -1, 1, 2, 10])) * int(rng.integers(1, 4)))
            options = [str(v) for v in rng.permutation([truth, *sorted(wrong)])]
            f.write(json.dumps({"subject": "arithmetic", "question": p.question, "options": options,
                                "answer": LETTERS[options.index(str(truth))]}) + "\n")
    return gsm8k, mmlu


def held_out_bpb(model: Any, tok: Any, docs: list[str], max_tokens: int) -> dict:
    """Bits per byte over the documents that fit the model's context (each scored alone after [eos])."""
    nll = n_bytes = n_tokens = 0.0
    used = 0
    for doc in docs:
        if len(tok.encode(doc)) > max_tokens:
            continue
        r = text_bits_per_byte(model, tok, doc)
        nll, n_bytes, n_tokens = nll + r["nll_nats"], n_bytes + r["num_bytes"], n_tokens + r["num_tokens"]
        used += 1
    if used == 0:
        raise ValueError(f"no held-out document fits the model's context of {max_tokens} tokens")
    return {"documents": used, "skipped": len(docs) - used, "bytes": int(n_bytes), "tokens": int(n_tokens),
            "bits_per_byte": nll / (math.log(2) * n_bytes), "perplexity": math.exp(nll / n_tokens)}


POLICIES = ("tiny", "smollm2", "a1")


def load_model(c: EvaluateConfig) -> tuple[Any, Any, str]:
    """(model, tokenizer, one line saying what the model is) for the policy of c."""
    if c.policy not in POLICIES:
        raise ValueError(f"unknown --policy {c.policy!r}: use one of {', '.join(POLICIES)}")
    if c.tokenizer and c.policy != "a1":
        raise ValueError(f"--tokenizer is for --policy a1 only ({c.policy} brings its own tokenizer)")
    if c.policy == "a1":
        model, tok, run = load_a1_policy(c.checkpoint, c.tokenizer or None)
        return model, tok, (f"an a1 TransformerLM after {run.iteration} training steps on {run.source} (tokenizer "
                            f"{run.tokenizer_dir}), a language model of that text, not trained on these tasks: its "
                            f"accuracies are expected near 0, while bits per byte, multiple choice and "
                            f"contamination still read")
    model, tok = start_policy(c.policy, c.checkpoint, c.seed)
    if c.policy == "tiny":
        return model, tok, ("a5's tiny character-level TransformerLM, " +
                            (f"weights from {c.checkpoint}" if c.checkpoint else "untrained (random weights)"))
    return model, tok, ("SmolLM2-135M-Instruct in a1's TransformerLM, " +
                        (f"fine-tuned weights from {c.checkpoint}" if c.checkpoint else "as shipped"))


def multiple_choice(model: Any, tok: Any, examples: list[dict], template: str, max_tokens: int) -> dict:
    """acc and acc_norm over the questions whose every option fits the model's context (the others counted)."""
    acc = acc_norm = 0.0
    used = 0
    for ex in examples:
        # the question as the policy's prompt, the thinking skipped: the choice is scored as the answer itself
        context = format_prompt(Problem(ex["question"], "", ""), template) + " </think> <answer>"
        if max(len(tok.encode(context + " " + o)) for o in ex["options"]) > max_tokens:
            continue
        r = score_multiple_choice(model, tok, context, list(ex["options"]), LETTERS.index(ex["answer"]))
        acc, acc_norm, used = acc + r["acc"], acc_norm + r["acc_norm"], used + 1
    if used == 0:
        raise ValueError(f"no multiple-choice question fits the model's context of {max_tokens} tokens")
    return {"n": used, "skipped": len(examples) - used, "acc": acc / used, "acc_norm": acc_norm / used,
            "chance": 1.0 / len(examples[0]["options"])}


def generative(model: Any, tok: Any, test: list[Problem], c: EvaluateConfig) -> dict:
    prompts = [format_prompt(p, c.template) for p in test]
    ctx = model.config.context_length
    longest = max(len(tok.encode(q)) for q in prompts)
    if longest >= ctx:
        raise ValueError(f"a prompt of {longest} tokens leaves no room to generate in the model's context of {ctx} "
                         f"tokens: use a shorter --template (short) or a model with a longer context_length")
    greedy = sample(model, tok, prompts, SamplingParams(temperature=0.0, max_new_tokens=c.max_new_tokens),
                    batch_size=c.batch_size)
    rewards = [r1_zero_reward_fn(g.text, p.answer) for g, p in zip(greedy, test, strict=True)]
    last = [parse_gsm8k_response(g.text) for g in greedy]
    ks = sorted({int(k) for k in c.ks.split(",") if k.strip()})
    if not ks or max(ks) > c.n_samples or min(ks) < 1:
        raise ValueError(f"ks {c.ks!r} must be in [1, n_samples={c.n_samples}]")
    many = sample(model, tok, [q for q in prompts for _ in range(c.n_samples)],
                  SamplingParams(temperature=c.temperature, max_new_tokens=c.max_new_tokens, seed=c.seed),
                  batch_size=c.batch_size)
    correct = [sum(r1_zero_reward_fn(many[i * c.n_samples + j].text, p.answer)["answer_reward"] == 1.0
                   for j in range(c.n_samples)) for i, p in enumerate(test)]
    n = len(test)
    return {"n": n, "greedy_accuracy_r1": sum(r["answer_reward"] for r in rewards) / n,
            "greedy_format_rate": sum(r["format_reward"] for r in rewards) / n,
            "greedy_accuracy_last_number": sum(x is not None and answers_match(x, p.answer)
                                               for x, p in zip(last, test, strict=True)) / n,
            "n_samples": c.n_samples, "temperature": c.temperature,
            "pass_at_k": {str(k): float(np.mean([pass_at_k(c.n_samples, ci, k) for ci in correct])) for k in ks},
            "examples": [{"question": p.question, "truth": p.answer, "greedy": g.text, "last_number": x}
                         for p, g, x in list(zip(test, greedy, last, strict=True))[:4]]}


PLOT = "pass_at_k.png"


def plot_pass_at_k(g: dict, path: Path) -> str | None:
    """pass@k against k with the greedy accuracy as a horizontal line, as a PNG; returns why not when matplotlib
    cannot be imported (the report is written either way)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return f"no plot: matplotlib could not be imported ({e})"
    ks = [int(k) for k in g["pass_at_k"]]
    fig, ax = plt.subplots(figsize=(5.0, 3.5), dpi=120)
    ax.plot(ks, list(g["pass_at_k"].values()), "o-", label=f"pass@k ({g['n_samples']} samples, "
                                                         f"T={g['temperature']:g})")
    ax.axhline(g["greedy_accuracy_r1"], color="gray", linestyle="--", label="greedy accuracy (r1-zero)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("k")
    ax.set_ylabel(f"fraction of {g['n']} problems")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None


def report_card(r: dict) -> str:
    b, m, g, k = r["bits_per_byte"], r["multiple_choice"], r["generative"], r["contamination"]
    rows = [
        ("bits per byte (held-out SFT text)", f"{b['bits_per_byte']:.4f}", f"{b['documents']} documents, "
         f"{b['bytes']} bytes; per-token perplexity {b['perplexity']:.3f}"),
        ("multiple choice acc", f"{m['acc']:.3f}", f"{m['n']} questions ({m['skipped']} longer than the context "
         f"skipped), chance {m['chance']:.3f}"),
        ("multiple choice acc_norm", f"{m['acc_norm']:.3f}", "log-likelihood per character of the choice"),
        ("greedy accuracy (r1-zero reward)", f"{g['greedy_accuracy_r1']:.3f}",
         f"format rate {g['greedy_format_rate']:.3f}"),
        ("greedy accuracy (last number, GSM8K-style)", f"{g['greedy_accuracy_last_number']:.3f}",
         "ignores the answer tags"),
        *((f"pass@{kk}", f"{v:.3f}", f"{g['n_samples']} samples per problem at T={g['temperature']:g}")
          for kk, v in g["pass_at_k"].items()),
        (f"contaminated test examples ({k['n']}-grams)", f"{k['contaminated_fraction']:.3f}",
         f"mean overlap {k['mean_overlap']:.3f} against {k['train_documents']} training documents"),
    ]
    mo = r["model"]
    plot = f"![pass@k against k]({PLOT})" if r["files"]["plot"] else f"({r['plot_note']})"
    lines = [f"# Report card: {r['config']['policy']} {r['config']['checkpoint'] or '(untrained / as shipped)'}", "",
             f"Model: {mo['about']}; {mo['parameters']:,} parameters, context {mo['context_length']} tokens, "
             f"vocabulary {mo['vocab_size']}.", "",
             f"Tasks `{r['config']['families']}` (max value {r['config']['max_value']}), template "
             f"`{r['config']['template']}`, {r['config']['n_test']} held-out problems.", "",
             "| metric | value | notes |", "|---|---|---|", *(f"| {a} | {v} | {n} |" for a, v, n in rows), "",
             plot, ""]
    return "\n".join(lines)


def run(c: EvaluateConfig) -> dict:
    set_threads(c.threads)
    torch.manual_seed(c.seed)
    out = Path(c.out_dir)
    rng = np.random.default_rng(c.seed)
    model, tok, about = load_model(c)
    model.eval()
    train, test = problems(c.families, c.max_value, c.n_train, c.n_test, c.seed)
    gsm8k_path, mmlu_path = write_data_files(test, out, c.n_choices, rng)
    test = load_gsm8k(gsm8k_path)  # read back through the loaders, as a real GSM8K file would be
    mmlu = load_mmlu(mmlu_path)
    docs = [format_prompt(p, c.template) + format_response(p) for p in test]
    max_tokens = model.config.context_length
    train_docs = [format_prompt(p, c.template) + format_response(p) for p in train]
    k = ngram_contamination(train_docs, docs, c.ngram)
    with torch.no_grad():
        report = {"config": to_dict(c),
                  "model": {"about": about, "parameters": sum(p.numel() for p in model.parameters()),
                            "context_length": max_tokens, "vocab_size": model.config.vocab_size},
                  "bits_per_byte": held_out_bpb(model, tok, docs, max_tokens),
                  "multiple_choice": multiple_choice(model, tok, mmlu, c.template, max_tokens),
                  "generative": generative(model, tok, test, c),
                  "contamination": {"n": c.ngram, "train_documents": len(train_docs),
                                    "contaminated_fraction": k["contaminated_fraction"],
                                    "mean_overlap": float(np.mean(k["overlap"]))},
                  "files": {"gsm8k": str(gsm8k_path), "mmlu": str(mmlu_path)}}
    note = plot_pass_at_k(report["generative"], out / PLOT)
    report["files"]["plot"] = None if note else str(out / PLOT)
    report["plot_note"] = note
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "report.md").write_text(report_card(report))
    return report


def main(argv: list[str] | None = None) -> int:
    c = parse_config(EvaluateConfig, argv, presets=PRESETS)
    try:
        r = run(c)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(report_card(r))
    print(f"wrote {Path(c.out_dir) / 'report.json'} and {Path(c.out_dir) / 'report.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
