"""Edge cases of the optional unit a1.kv_accounting, graded only at hidden seeds; each within what HANDOUT §11.3
pins down (a window longer than the sequence caches the whole sequence; a kind missing a field it reads raises)."""

from __future__ import annotations

import numpy as np

from a1_basics.cases import kv_accounting as acc
from shared.cases import Case, Oracles, Suite, exact, raises

ORACLES = Oracles("a1_basics.oracles.kv_accounting")  # expected values: instructor-only, never released


def window_longer(rng: np.random.Generator) -> dict:
    spec = acc.random_spec(rng, "sliding_window")
    seq = int(rng.integers(1, spec["window"] + 1))
    return {"specs": [spec], "num_layers": int(rng.integers(1, 97)), "seq_len": seq,
            "batch_size": int(rng.integers(1, 65)), "dtype_bytes": int(rng.choice([1, 2, 4]))}


def missing_field(rng: np.random.Generator) -> dict:
    kind = str(rng.choice(["gqa", "sliding_window", "mla"]))
    spec = acc.random_spec(rng, kind)
    spec[{"gqa": "num_kv_heads", "sliding_window": "window", "mla": "d_rope"}[kind]] = None
    return {"specs": [spec], "num_layers": int(rng.integers(1, 97)), "seq_len": int(rng.integers(1, 4097)),
            "batch_size": 1, "dtype_bytes": 2}


SUITE = Suite(cases=(
    Case(name="kv_accounting/edge_window_longer_than_sequence", inputs=window_longer, compare=exact(),
         run=acc.run_bytes, expect=ORACLES.expect_bytes,
         note="seq_len <= window: the window caches every token of the sequence"),
    Case(name="kv_accounting/edge_missing_field_raises", inputs=missing_field, compare=raises(ValueError),
         run=acc.run_bytes, note="GQA without num_kv_heads, a window without window, MLA without d_rope: ValueError"),
))
