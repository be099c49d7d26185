"""A plan that reports the best run of its largest affordable budget (1e17 FLOPs) as the prediction for 1e19:
no scaling law, so the size is ~8x too small and the loss too high."""

import numpy as np

UNIT = "a3.plan"
TARGET = "plan"


def MUTANT(api, budget):
    best = None
    for n in np.geomspace(3e6, 1e8, 7):
        layers = 4
        d = int(round(np.sqrt(n / (12 * layers)) / 64)) * 64 or 64
        y = api.loss(d, layers, 4, 128, 4e-4, 1e17)
        if best is None or y < best[0]:
            best = (y, d, layers)
    y, d, layers = best
    return {"n_params": 12.0 * layers * d * d, "d_model": d, "num_layers": layers, "num_heads": 4, "batch_size": 128,
            "learning_rate": 4e-4, "loss": y}
