"""Training throughput of our TransformerLM (with fused_attention's causal attention swapped in, as
`train.py --fused-attention` runs it) + AdamW + cross_entropy against the same architecture built from
torch built-ins (nn.Linear, nn.Embedding, nn.RMSNorm, F.scaled_dot_product_attention(is_causal=True), F.silu,
F.cross_entropy, torch.optim.AdamW(foreach=False), the per-parameter loop that torch also picks by default for
CPU tensors), on the same config and batch, timed side by side. Goal: ours >= 1.0x the built-ins' tokens/s.

Rotary embedding in the anchor rotates the same adjacent pairs with precomputed cos/sin tables, so both models
compute the same function (the anchor loads our weights, and the first losses agree).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from a1_basics.fused_attention import fuse_attention
from a1_basics.losses import cross_entropy
from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a1_basics.optim.adamw import AdamW
from shared.bench import Row


@dataclass(frozen=True)
class Setting:
    name: str
    config: ModelConfig
    batch_size: int
    steps: int  # optimizer steps per timed run
    repeats: int  # timed runs per model; the best counts


QUICK = Setting("tiny", ModelConfig(vocab_size=512, context_length=64, d_model=64, num_layers=2, num_heads=4,
                                    d_ff=192), batch_size=4, steps=3, repeats=3)
FULL = Setting("d256 L4 ctx256", ModelConfig(vocab_size=10_000, context_length=256, d_model=256, num_layers=4,
                                             num_heads=8, d_ff=704), batch_size=8, steps=5, repeats=3)


class BuiltinAttention(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        d, self.heads, self.d_head = cfg.d_model, cfg.num_heads, cfg.d_model // cfg.num_heads
        self.q_proj, self.k_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.v_proj, self.output_proj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        inv_freq = cfg.rope_theta ** (-torch.arange(0, self.d_head, 2, dtype=torch.float64) / self.d_head)
        angles = torch.outer(torch.arange(cfg.context_length, dtype=torch.float64), inv_freq)
        self.register_buffer("cos", angles.cos().float(), persistent=False)
        self.register_buffer("sin", angles.sin().float(), persistent=False)

    def rope(self, x: Tensor) -> Tensor:
        # the fastest adjacent-pair rotation we know in plain torch (a complex product), as our reference uses:
        # RoPE has no built-in, so both sides get the same one and the ratio measures everything else
        rot = torch.complex(self.cos[: x.shape[-2]], self.sin[: x.shape[-2]])
        z = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2))
        return torch.view_as_real(z * rot).flatten(-2)

    def forward(self, x: Tensor) -> Tensor:
        b, t, d = x.shape
        q, k, v = (p(x).view(b, t, self.heads, self.d_head).transpose(1, 2)
                   for p in (self.q_proj, self.k_proj, self.v_proj))
        out = F.scaled_dot_product_attention(self.rope(q), self.rope(k), v, is_causal=True)
        return self.output_proj(out.transpose(1, 2).reshape(b, t, d))


class BuiltinFFN(nn.Module):
    def __init__(self, d: int, d_ff: int) -> None:
        super().__init__()
        self.w1, self.w2, self.w3 = nn.Linear(d, d_ff, bias=False), nn.Linear(d_ff, d, bias=False), nn.Linear(
            d, d_ff, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class BuiltinBlock(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.RMSNorm(cfg.d_model, eps=cfg.rmsnorm_eps), nn.RMSNorm(cfg.d_model, eps=cfg.rmsnorm_eps)
        self.attn, self.ffn = BuiltinAttention(cfg), BuiltinFFN(cfg.d_model, cfg.d_ff)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.ffn(self.ln2(x))


class BuiltinLM(nn.Module):
    """The anchor: our architecture and state-dict names, built from torch's own layers."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.token_embeddings = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList(BuiltinBlock(cfg) for _ in range(cfg.num_layers))
        self.ln_final = nn.RMSNorm(cfg.d_model, eps=cfg.rmsnorm_eps)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    def forward(self, ids: Tensor) -> Tensor:
        x = self.token_embeddings(ids)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.ln_final(x))


def _trainer(model: nn.Module, opt: torch.optim.Optimizer, loss_fn: object, x: Tensor, y: Tensor) -> object:
    def steps(n: int) -> float:
        for _ in range(n):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x).flatten(0, 1), y.flatten())
            loss.backward()
            opt.step()
        return float(loss.detach())

    return steps


def measure(setting: Setting) -> tuple[float, float, float]:
    """(our tokens/s, built-in tokens/s, |first-loss difference|), each the best of `repeats` runs."""
    cfg = setting.config
    torch.manual_seed(0)
    ours = fuse_attention(TransformerLM.from_config(cfg))
    theirs = BuiltinLM(cfg)
    theirs.load_state_dict(ours.state_dict())
    data = torch.randint(0, cfg.vocab_size, (setting.batch_size, cfg.context_length + 1))
    x, y = data[:, :-1], data[:, 1:]
    with torch.no_grad():
        gap = abs(float(cross_entropy(ours(x), y)) - float(F.cross_entropy(theirs(x).flatten(0, 1), y.flatten())))
    runs = {
        "ours": _trainer(ours, AdamW(ours.parameters(), lr=1e-4), cross_entropy, x, y),
        "builtin": _trainer(theirs, torch.optim.AdamW(theirs.parameters(), lr=1e-4, weight_decay=0.01,
                                                      foreach=False), F.cross_entropy, x, y),
    }
    for run in runs.values():
        run(1)  # warm-up: allocator, optimizer state
    best = {name: float("inf") for name in runs}
    for _ in range(setting.repeats):
        for name, run in runs.items():  # interleaved, so drifting machine load hits both alike
            start = time.perf_counter()
            run(setting.steps)
            best[name] = min(best[name], time.perf_counter() - start)
    tokens = setting.steps * setting.batch_size * cfg.context_length
    return tokens / best["ours"], tokens / best["builtin"], gap


def run(quick: bool) -> list[Row]:
    setting = QUICK if quick else FULL
    ours, builtin, gap = measure(setting)
    cfg = setting.config
    return [Row(name=f"LM training {setting.name} (batch {setting.batch_size})", value=ours, unit="tokens/s",
                anchor="torch built-ins (nn.Linear/RMSNorm, fused causal SDPA, AdamW foreach=False)",
                anchor_value=builtin, higher_is_better=True, goal=1.0,
                note=f"vocab {cfg.vocab_size}, {cfg.num_layers} layers, {cfg.num_heads} heads, "
                     f"{torch.get_num_threads()} threads, first-loss gap {gap:.1e}")]
