"""Quality after a fixed CPU budget: validation bits per byte of our Transformer LM trained on the real corpus,
beside the anchor every language model must beat, a unigram model of the same tokens (its bits per byte is the
entropy of the training split's token frequencies, scored on the validation split), measured in the same run.

Full mode: `prepare_data` (vocab 4096) then `train --preset cpu15` (15 minutes of CPU: the fused attention core at
max_lr 2e-3); the learning curve is the run's learning_curve.png. Quick mode: 60 seconds of a small model, for a
smoke test.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from a1_basics.data import load_tokens
from a1_basics.prepare_data import DataConfig, prepare
from a1_basics.train import PRESETS, train
from shared.bench import Row

DATA = Path("data/a1")
# P17's yardstick for the full run: nanoGPT's CPU preset (its shakespeare-char config on the CPU) reached 2.25
# bits/byte on this held-out text when the issue was filed; it is a recorded figure, not re-run here
NANOGPT_CPU_BITS_PER_BYTE, AIM_BITS_PER_BYTE = 2.25, 2.10
OUT = Path("out/a1-quality")


def unigram_bits_per_byte(train_ids: np.ndarray, val_ids: np.ndarray, vocab: int, val_bytes: int) -> float:
    """Cross-entropy of the validation tokens under add-one-smoothed training frequencies, in bits per byte."""
    counts = np.bincount(train_ids, minlength=vocab).astype(np.float64) + 1.0
    logp = np.log2(counts / counts.sum())
    return float(-logp[val_ids].sum() / val_bytes)


def run(quick: bool) -> list[Row]:
    if not (DATA / "meta.json").exists():
        prepare(DataConfig(out=DATA))
    config = replace(PRESETS["small" if quick else "cpu15"], data_dir=DATA, out_dir=OUT, wandb=False,
                     vocab_size=_vocab(DATA), max_minutes=1.0 if quick else 15.0, progress=not quick)
    result = train(config)
    train_ids, val_ids = load_tokens(DATA / "train.u16"), load_tokens(DATA / "val.u16")
    meta = json.loads((DATA / "meta.json").read_text())
    anchor = unigram_bits_per_byte(np.asarray(train_ids), np.asarray(val_ids), config.vocab_size, meta["val_bytes"])
    minutes = result.seconds / 60
    return [Row(f"val bits/byte after {minutes:.1f} min of CPU ({result.tokens:,} tokens)", result.val_bits_per_byte,
                "bits/byte", "unigram model of the same tokens", anchor, higher_is_better=False,
                note=f"curve: {result.paths['png']}; val loss {result.final_val_loss:.3f} nats/token; "
                     f"{math.log(2) * result.val_bits_per_byte:.3f} nats/byte"
                     + ("" if quick else f"; target below {NANOGPT_CPU_BITS_PER_BYTE} (nanoGPT's CPU preset on this "
                                         f"held-out text), aim {AIM_BITS_PER_BYTE}"))]


def _vocab(data: Path) -> int:
    return int(json.loads((data / "meta.json").read_text())["vocab_size"])
