"""A real IsoFLOPs sweep on the CPU: `python -m a3_scaling.sweep` (HANDOUT.md §8). Finished code.

a1's TransformerLM (solved in your release) is trained on the real corpus with a small BPE vocabulary at a few
compute budgets (3e10-3e11 FLOPs by default), several model sizes per budget, each run given exactly its budget:
steps = C / (6 N tokens_per_step). N counts every parameter that costs FLOPs: the blocks and the LM head, not the
embedding lookup (at these sizes the head outweighs 12 L d^2). Then the same fits as on the simulated table:
parabola minima, power laws for N_opt and D_opt, and plots that show U-shaped isoFLOP curves.

    python -m a3_scaling.sweep --preset tiny      # seconds: what the tests run
    python -m a3_scaling.sweep                    # a few minutes on one core
Outputs under --out: runs.csv, sweep.json, isoflops.png, scaling.png.
"""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from a3_scaling.isoflops import best_run_minima, isoflops_fit, parabola_minima
from a3_scaling.plots import plot_isoflops, plot_scaling
from shared.config_cli import ConfigError, parse_config, to_dict

# (d_model, num_layers, num_heads): a ladder of shapes about 2x apart in N at vocabulary 512
LADDER = ((8, 2, 2), (12, 2, 2), (16, 2, 2), (24, 2, 2), (32, 2, 2), (48, 2, 2), (64, 2, 4), (64, 4, 4), (96, 4, 4),
          (128, 4, 4), (192, 4, 4), (256, 4, 8))


@dataclass(frozen=True)
class SweepConfig:
    """Train a1's TransformerLM at several sizes per compute budget and fit the isoFLOPs scaling laws."""

    data_dir: Path = field(default=Path("data/a3-sweep"), metadata={"help": "token memmaps (prepared if missing)"})
    out: Path = field(default=Path("out/a3-sweep"), metadata={"help": "runs.csv, sweep.json and the plots"})
    vocab_size: int = field(default=512, metadata={"help": "BPE vocabulary when the data has to be prepared"})
    max_train_bytes: int | None = field(default=None, metadata={"help": "cut the training text when preparing"})
    budgets: str = field(default="3e10,1e11,3e11", metadata={"help": "comma-separated training FLOPs per run"})
    sizes_per_budget: int = field(default=5, metadata={"help": "ladder shapes per budget, around the guess"})
    tokens_per_param: float = field(default=20.0, metadata={"help": "centre each budget's shapes on N = sqrt(C / 6k)"})
    max_shape: int = field(default=len(LADDER), metadata={"help": "use only the first this many ladder shapes"})
    context_length: int = field(default=64, metadata={"help": "tokens per sequence"})
    batch_size: int = field(default=8, metadata={"help": "sequences per step"})
    lr: float = field(default=3e-3, metadata={"help": "peak learning rate (cosine to a tenth, 10% warm-up)"})
    eval_batches: int = field(default=16, metadata={"help": "validation batches per final loss"})
    seed: int = field(default=0, metadata={"help": "init and batch seed"})
    threads: int = field(default=1, metadata={"help": "torch CPU threads (1: tiny matmuls gain nothing from more)"})


PRESETS = {
    "tiny": SweepConfig(out=Path("out/a3-sweep-tiny"), budgets="1e9,3e9", sizes_per_budget=3, max_shape=6,
                        context_length=32, batch_size=4, eval_batches=4, max_train_bytes=300_000, threads=1),
}


@dataclass
class SweepRun:
    d_model: int
    num_layers: int
    num_heads: int
    params: int  # blocks + final norm + LM head (not the embedding)
    compute: float
    steps: int
    tokens: int
    loss: float
    seconds: float


def _prepare(c: SweepConfig) -> dict:
    meta = c.data_dir / "meta.json"
    if not meta.exists():
        from a1_basics.prepare_data import DataConfig, prepare

        print(f"preparing {c.data_dir} (BPE vocab {c.vocab_size}) ...", flush=True)
        prepare(DataConfig(out=c.data_dir, vocab_size=c.vocab_size, max_train_bytes=c.max_train_bytes,
                           bpe_bytes=1_000_000), log=lambda *a: None)
    return json.loads(meta.read_text())


def flop_params(vocab: int, d: int, layers: int, d_ff: int) -> int:
    """Parameters that cost 6 FLOPs per token in training: per block 4 d^2 (attention) + 3 d d_ff (SwiGLU) + 2 d
    (norms), the final norm, and the V x d LM head; the embedding lookup costs none."""
    return layers * (4 * d * d + 3 * d * d_ff + 2 * d) + d + vocab * d


def d_ff_for(d: int) -> int:
    return max(16, int(round(8 * d / 3 / 16)) * 16)


def train_one(c: SweepConfig, vocab: int, shape: tuple[int, int, int], compute: float, train: np.ndarray,
              val: np.ndarray) -> SweepRun:
    import torch

    from a1_basics.data import get_batch
    from a1_basics.losses import cross_entropy
    from a1_basics.nn.transformer import ModelConfig, TransformerLM
    from a1_basics.optim.adamw import AdamW
    from a1_basics.optim.clipping import clip_gradients
    from a1_basics.optim.schedule import lr_cosine_schedule

    d, layers, heads = shape
    d_ff = d_ff_for(d)
    n = flop_params(vocab, d, layers, d_ff)
    per_step = c.batch_size * c.context_length
    steps = int(compute // (6 * n * per_step))
    torch.manual_seed(c.seed)
    np.random.seed(c.seed)
    model = TransformerLM.from_config(ModelConfig(vocab_size=vocab, context_length=c.context_length, d_model=d,
                                                  num_layers=layers, num_heads=heads, d_ff=d_ff))
    opt = AdamW(model.parameters(), lr=c.lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, steps // 10)
    started = time.perf_counter()
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr_cosine_schedule(step, c.lr, c.lr / 10, warmup, steps)
        x, y = get_batch(train, c.batch_size, c.context_length, "cpu")
        loss = cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        clip_gradients(model.parameters(), 1.0)
        opt.step()
    model.eval()
    np.random.seed(1234)
    with torch.no_grad():
        losses = [float(cross_entropy(model(x), y)) for x, y in
                  (get_batch(val, c.batch_size, c.context_length, "cpu") for _ in range(c.eval_batches))]
    return SweepRun(d, layers, heads, n, compute, steps, steps * per_step, float(np.mean(losses)),
                    time.perf_counter() - started)


def shapes_for(c: SweepConfig, vocab: int, compute: float) -> list[tuple[int, int, int]]:
    """The `sizes_per_budget` ladder shapes around N = sqrt(C / (6 tokens_per_param)) that still get at least 10
    steps (Chinchilla's 20 tokens per parameter by default; at 4 the profiles here only rose: the optimum lay below
    the smallest shape)."""
    per_step = c.batch_size * c.context_length
    ladder = [s for s in LADDER[: c.max_shape]
              if compute // (6 * flop_params(vocab, s[0], s[1], d_ff_for(s[0])) * per_step) >= 10]
    if len(ladder) < 3:
        raise ConfigError(f"budget {compute:.3g} gives fewer than 3 shapes at least 10 steps each; raise it")
    guess = math.log(math.sqrt(compute / (6.0 * c.tokens_per_param)))
    logs = [math.log(flop_params(vocab, s[0], s[1], d_ff_for(s[0]))) for s in ladder]
    centre = int(np.argmin([abs(v - guess) for v in logs]))
    k = min(c.sizes_per_budget, len(ladder))
    start = min(max(0, centre - k // 2), len(ladder) - k)
    return ladder[start: start + k]


def sweep(c: SweepConfig, log=print) -> dict:
    import torch

    from a1_basics.data import load_tokens

    torch.set_num_threads(c.threads)
    try:
        budgets = [float(b) for b in c.budgets.split(",")]
    except ValueError:
        raise ConfigError(f"--budgets must be comma-separated numbers, got {c.budgets!r}") from None
    meta_path = c.data_dir / "meta.json"
    vocab = int(json.loads(meta_path.read_text())["vocab_size"]) if meta_path.exists() else c.vocab_size
    plan = {compute: shapes_for(c, vocab, compute) for compute in budgets}  # bad budgets fail before any work
    vocab = int(_prepare(c)["vocab_size"])
    train, val = load_tokens(c.data_dir / "train.u16"), load_tokens(c.data_dir / "val.u16")
    runs: list[SweepRun] = []
    for compute in budgets:
        for shape in plan[compute]:
            r = train_one(c, vocab, shape, compute, train, val)
            runs.append(r)
            log(f"C = {compute:.1e}: d_model {r.d_model:4d}, {r.num_layers} layers, N = {r.params:>9,}, "
                f"{r.steps:5d} steps, {r.tokens:>9,} tokens, val loss {r.loss:.4f} ({r.seconds:.1f} s)")
    c.out.mkdir(parents=True, exist_ok=True)
    with (c.out / "runs.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["parameters", "compute_budget", "final_loss", "d_model", "num_layers", "steps", "tokens",
                    "seconds"])
        for r in runs:
            w.writerow([r.params, r.compute, r.loss, r.d_model, r.num_layers, r.steps, r.tokens, round(r.seconds, 2)])
    table = {"params": np.array([r.params for r in runs], dtype=np.float64),
             "compute": np.array([r.compute for r in runs]), "loss": np.array([r.loss for r in runs])}
    result: dict = {"config": to_dict(c), "vocab_size": vocab, "runs": [r.__dict__ for r in runs]}
    minima, fits = {}, {}
    for name, fn in (("parabola", parabola_minima), ("best_run", best_run_minima)):
        try:
            minima[name] = fn(table["params"], table["compute"], table["loss"])
        except ValueError as e:  # a noisy, non-convex profile: report it, keep the other method
            result[f"{name}_error"] = str(e)
            continue
        if len(budgets) >= 2:
            fits[name] = isoflops_fit(minima[name])
    result["minima"] = {k: {kk: np.asarray(v).tolist() for kk, v in m.items()} for k, m in minima.items()}
    result["fits"] = fits
    paths = {"csv": str(c.out / "runs.csv"),
             "isoflops": str(plot_isoflops(table, minima, c.out / "isoflops.png",
                                           f"Real CPU sweep: a1 TransformerLM, vocab {vocab}",
                                           "parameters N (blocks + LM head)"))}
    if fits:
        paths["scaling"] = str(plot_scaling({k: minima[k] for k in fits}, fits, c.out / "scaling.png",
                                            "Real CPU sweep: compute-optimal scaling"))
    result["paths"] = paths
    result["seconds"] = sum(r.seconds for r in runs)
    (c.out / "sweep.json").write_text(json.dumps(result, indent=2, default=float))
    for name, fit in fits.items():
        log(f"{name}: N_opt ∝ C^{fit['n_exp']:.3f}, D_opt ∝ C^{fit['d_exp']:.3f}")
    log(f"{len(runs)} runs in {result['seconds']:.0f} s; wrote {', '.join(paths.values())}")
    return result


def main(argv: list[str] | None = None) -> int:
    try:
        sweep(parse_config(SweepConfig, argv, PRESETS), log=lambda *a: print(*a, flush=True))
    except (ConfigError, FileNotFoundError, ValueError, NotImplementedError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
