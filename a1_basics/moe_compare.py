"""Dense vs mixture-of-experts at equal active parameters: `python -m a1_basics.moe_compare` (HANDOUT §10).

Two Transformer LMs that differ only in their feed-forward: the dense anchor uses one SwiGLU of width d_ff; the
MoE model replaces it in every block by a MoEFeedForward of num_experts SwiGLU experts of width d_ff / top_k, so a
token runs top_k experts and the same feed-forward FLOPs and active parameters as the dense model (plus a tiny
router, d_model x num_experts per block). Everything else starts from the same initial weights (same seed; the
MoE model is the dense one with its FFNs swapped), both see the same batches in the same order, and both use the
same AdamW, schedule and clipping; the MoE loss adds aux_loss_coef x the mean load-balancing loss of its blocks.

Prints both models' validation loss per evaluation side by side (the dense model is the anchor), and writes
`moe_compare.json` and `moe_compare.png` under out_dir. Needs the token memmaps of `python -m a1_basics.prepare_data`.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from a1_basics.data import get_batch, load_tokens
from a1_basics.losses import cross_entropy
from a1_basics.nn.moe import MoEFeedForward
from a1_basics.nn.transformer import TransformerLM
from a1_basics.optim.adamw import AdamW
from a1_basics.optim.clipping import clip_gradients
from a1_basics.optim.schedule import lr_cosine_schedule
from a1_basics.train import TrainConfig
from shared.config_cli import ConfigError, parse_config, to_dict

# The comparison trains with TrainConfig's settings (the same meaning, flags and help), at a smaller scale and for
# a shorter run: this TrainConfig holds its defaults, and MoECompareConfig exposes the TrainConfig fields it uses.
# It is not a TrainConfig subclass because that would also give it train.py's flags for what it does not do
# (wandb, resume, checkpoints, samples, a wall-clock budget), each a flag that would silently do nothing.
TRAIN_DEFAULTS = TrainConfig(out_dir=Path("out/a1-moe"), context_length=64, d_model=64, num_layers=2, num_heads=4,
                             d_ff=192, max_steps=300, max_lr=2e-3, min_lr=2e-4, warmup_steps=30, eval_every=25)


def train_field(name: str, help_here: str | None = None) -> Any:
    """TrainConfig's field `name` with its default from TRAIN_DEFAULTS, and its help unless `help_here` says what
    the field means in this comparison."""
    base = next(f for f in fields(TrainConfig) if f.name == name)
    return field(default=getattr(TRAIN_DEFAULTS, name), metadata={"help": help_here or base.metadata["help"]})


@dataclass(frozen=True)
class MoECompareConfig:
    """Train a dense LM and an MoE LM of equal active parameters side by side on the same batches."""

    data_dir: Path = train_field("data_dir", "train.u16, val.u16, meta.json")
    out_dir: Path = train_field("out_dir", "moe_compare.json and moe_compare.png")
    context_length: int = train_field("context_length")
    d_model: int = train_field("d_model")
    num_layers: int = train_field("num_layers")
    num_heads: int = train_field("num_heads")
    d_ff: int = train_field("d_ff", "dense SwiGLU width; each expert gets d_ff / top_k")
    num_experts: int = field(default=8, metadata={"help": "experts per MoE block"})
    top_k: int = field(default=2, metadata={"help": "experts per token"})
    capacity_factor: float = field(default=1.25, metadata={"help": "expert capacity factor (0: no capacity)"})
    aux_loss_coef: float = field(default=0.01, metadata={"help": "weight of the load-balancing loss"})
    batch_size: int = train_field("batch_size")
    max_steps: int = train_field("max_steps", "optimizer steps of each model")
    max_lr: float = train_field("max_lr")
    min_lr: float = train_field("min_lr")
    warmup_steps: int = train_field("warmup_steps")
    weight_decay: float = train_field("weight_decay")
    grad_clip: float = train_field("grad_clip")
    eval_every: int = train_field("eval_every")
    eval_batches: int = train_field("eval_batches")
    seed: int = train_field("seed")
    threads: int | None = train_field("threads")

    @property
    def d_ff_expert(self) -> int:
        return self.d_ff // self.top_k

    def train_config(self, vocab_size: int) -> TrainConfig:
        """The TrainConfig these settings are, for the data's vocabulary: what both models are built and
        optimised from (the settings the comparison does not expose keep TRAIN_DEFAULTS' values)."""
        train_names = {f.name for f in fields(TrainConfig)}
        shared = {f.name: getattr(self, f.name) for f in fields(self) if f.name in train_names}
        return replace(TRAIN_DEFAULTS, **shared, vocab_size=vocab_size)


PRESETS = {
    # seconds: what the instructor test runs
    "tiny": MoECompareConfig(context_length=16, d_model=32, num_layers=1, num_heads=2, d_ff=64, batch_size=4,
                             max_steps=20, warmup_steps=2, eval_every=10, eval_batches=2),
}


def validate(c: MoECompareConfig) -> None:
    if c.top_k < 1 or c.top_k > c.num_experts:
        raise ConfigError(f"top_k={c.top_k} must be between 1 and num_experts={c.num_experts}")
    if c.d_ff % c.top_k != 0:
        raise ConfigError(f"d_ff={c.d_ff} must be a multiple of top_k={c.top_k} so that top_k experts of width "
                          f"d_ff / top_k match the dense width exactly")
    if c.capacity_factor < 0:
        raise ConfigError(f"capacity_factor must be positive, or 0 for no capacity; got {c.capacity_factor}")
    for name in ("max_steps", "eval_every", "eval_batches", "batch_size"):
        if getattr(c, name) < 1:
            raise ConfigError(f"{name} must be at least 1, got {getattr(c, name)}")


def build_models(c: MoECompareConfig, vocab_size: int) -> tuple[TransformerLM, TransformerLM]:
    """(dense, moe): the MoE model is the dense model's initial weights with every block's FFN replaced."""
    config = c.train_config(vocab_size).model_config()
    torch.manual_seed(c.seed)
    dense = TransformerLM.from_config(config)
    torch.manual_seed(c.seed)
    moe = TransformerLM.from_config(config)
    torch.manual_seed(c.seed + 1)
    for block in moe.layers:
        block.ffn = MoEFeedForward(c.d_model, c.d_ff_expert, c.num_experts, c.top_k, c.capacity_factor or None)
    return dense, moe


def parameter_counts(model: TransformerLM, top_k: int) -> dict[str, int]:
    """Total parameters, and the parameters one token uses (top_k of each MoE block's experts)."""
    total = sum(p.numel() for p in model.parameters())
    inactive = 0
    for m in model.modules():
        if isinstance(m, MoEFeedForward):
            per_expert = sum(p.numel() for p in m.experts[0].parameters())
            inactive += (len(m.experts) - top_k) * per_expert
    return {"total": total, "active": total - inactive}


def mean_aux(model: nn.Module) -> torch.Tensor:
    losses = [m.last_aux_loss for m in model.modules() if isinstance(m, MoEFeedForward)]
    return torch.stack(losses).mean()


@torch.no_grad()
def evaluate(model: TransformerLM, data: np.ndarray, c: MoECompareConfig) -> float:
    """Mean loss over eval_batches batches drawn with a fixed seed (the same batches for both models)."""
    model.eval()
    state = np.random.get_state()
    np.random.seed(1234)
    losses = [float(cross_entropy(model(x), y))
              for x, y in (get_batch(data, c.batch_size, c.context_length, "cpu") for _ in range(c.eval_batches))]
    np.random.set_state(state)
    model.train()
    return sum(losses) / len(losses)


def run(c: MoECompareConfig, log=print) -> dict:
    validate(c)
    meta_path = c.data_dir / "meta.json"
    if not meta_path.exists():
        raise FileNotFoundError(f"{meta_path} not found: prepare the data first with "
                                f"`python -m a1_basics.prepare_data --out {c.data_dir}`")
    meta = json.loads(meta_path.read_text())
    if c.threads:
        torch.set_num_threads(c.threads)
    train_data, val_data = load_tokens(c.data_dir / "train.u16"), load_tokens(c.data_dir / "val.u16")
    for name, d in (("train", train_data), ("val", val_data)):
        if len(d) <= c.context_length + 1:
            raise ConfigError(f"the {name} split has {len(d)} tokens, fewer than context_length + 2")
    bytes_per_token = meta["val_bytes"] / meta["val_tokens"]
    models = dict(zip(("dense", "moe"), build_models(c, meta["vocab_size"]), strict=True))
    params = {k: parameter_counts(m, c.top_k) for k, m in models.items()}
    t = c.train_config(meta["vocab_size"])
    opts = {k: AdamW(m.parameters(), lr=t.max_lr, betas=(t.beta1, t.beta2), weight_decay=t.weight_decay)
            for k, m in models.items()}
    seconds = {"dense": 0.0, "moe": 0.0}
    log(f"params: dense {params['dense']['total']:,} (all active); moe {params['moe']['total']:,} total, "
        f"{params['moe']['active']:,} active per token ({c.num_experts} experts of width {c.d_ff_expert}, "
        f"top_k {c.top_k}, capacity_factor {c.capacity_factor})")
    log(f"{'step':>6} {'dense val':>10} {'moe val':>10} {'moe-dense':>10} {'moe aux':>8} "
        f"{'dense tok/s':>12} {'moe tok/s':>10}")
    np.random.seed(c.seed)
    rows = []
    aux = float("nan")
    for step in range(1, c.max_steps + 1):
        lr = lr_cosine_schedule(step - 1, c.max_lr, c.min_lr, c.warmup_steps, c.max_steps)
        x, y = get_batch(train_data, c.batch_size, c.context_length, "cpu")
        for name, model in models.items():
            started = time.perf_counter()
            for group in opts[name].param_groups:
                group["lr"] = lr
            loss = cross_entropy(model(x), y)
            if name == "moe":
                aux_t = mean_aux(model)
                aux = float(aux_t.detach())
                loss = loss + c.aux_loss_coef * aux_t
            opts[name].zero_grad(set_to_none=True)
            loss.backward()
            clip_gradients(model.parameters(), c.grad_clip)
            opts[name].step()
            seconds[name] += time.perf_counter() - started
            if not math.isfinite(float(loss.detach())):
                raise FloatingPointError(f"the {name} loss became {float(loss)} at step {step}: lower --max-lr")
        if step % c.eval_every == 0 or step == c.max_steps:
            val = {k: evaluate(m, val_data, c) for k, m in models.items()}
            tok_s = {k: step * c.batch_size * c.context_length / max(seconds[k], 1e-9) for k in models}
            rows.append({"step": step, "dense_val_loss": val["dense"], "moe_val_loss": val["moe"], "moe_aux": aux,
                         "dense_tokens_per_s": tok_s["dense"], "moe_tokens_per_s": tok_s["moe"]})
            log(f"{step:>6} {val['dense']:>10.4f} {val['moe']:>10.4f} {val['moe'] - val['dense']:>+10.4f} "
                f"{aux:>8.4f} {tok_s['dense']:>12,.0f} {tok_s['moe']:>10,.0f}")
    final = rows[-1]
    result = {"config": to_dict(c), "params": params, "rows": rows,
              "final": {"dense_val_loss": final["dense_val_loss"], "moe_val_loss": final["moe_val_loss"],
                        "dense_val_bpb": final["dense_val_loss"] / math.log(2) / bytes_per_token,
                        "moe_val_bpb": final["moe_val_loss"] / math.log(2) / bytes_per_token,
                        "moe_aux": final["moe_aux"], "seconds": seconds,
                        "tokens_per_model": c.max_steps * c.batch_size * c.context_length}}
    c.out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": c.out_dir / "moe_compare.json", "png": c.out_dir / "moe_compare.png"}
    paths["json"].write_text(json.dumps(result, indent=2, default=str))
    plot(rows, paths["png"], c)
    result["paths"] = {k: str(v) for k, v in paths.items()}
    return result


def plot(rows: list[dict], path: Path, c: MoECompareConfig) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    steps = [r["step"] for r in rows]
    ax.plot(steps, [r["dense_val_loss"] for r in rows], "o-", label=f"dense (d_ff {c.d_ff})")
    ax.plot(steps, [r["moe_val_loss"] for r in rows], "s-",
            label=f"MoE ({c.num_experts} x {c.d_ff_expert}, top-{c.top_k})")
    ax.set_xlabel("step")
    ax.set_ylabel("validation loss (nats/token)")
    ax.set_title("dense vs MoE at equal active parameters")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    try:
        config = parse_config(MoECompareConfig, argv, PRESETS)
        result = run(config)
    except (ConfigError, FileNotFoundError, FloatingPointError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    f = result["final"]
    print(f"final val loss: dense {f['dense_val_loss']:.4f} ({f['dense_val_bpb']:.3f} bits/byte), MoE "
          f"{f['moe_val_loss']:.4f} ({f['moe_val_bpb']:.3f} bits/byte); written: {result['paths']['json']}, "
          f"{result['paths']['png']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

