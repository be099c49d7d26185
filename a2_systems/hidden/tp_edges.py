"""Hidden-only edge cases of a2.tensor_parallel, each within what the handout pins down: attention with 3 heads per
rank and a single position, an MLP on one token, a column layer whose shard is a single row."""

from __future__ import annotations

import numpy as np

from a2_systems.cases import tp
from shared.cases import Suite


def _one_row_column(rng: np.random.Generator) -> dict:
    inp = tp.layer_inputs("column", gather_output=True)(rng)
    inp["weights"]["weight"] = inp["weights"]["weight"][:2]  # 2 outputs: one row per rank
    inp["g"] = inp["g"][..., :2]
    return inp


SUITE = Suite(cases=(
    tp.layer_case("edge_six_heads_one_position", tp.layer_inputs("attention", seq=(1, 2), heads=(6,)),
                  "6 heads (3 per rank), a single position", seeds=()),
    tp.layer_case("edge_mlp_one_token", tp.layer_inputs("mlp", batch=1, seq=(1, 2)), "one token", seeds=()),
    tp.layer_case("edge_column_one_row", _one_row_column, "2 outputs: each rank holds one row", seeds=()),
))
