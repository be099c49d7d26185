"""Expected values of a1.sdpa's cases (instructor-only): torch.nn.functional.scaled_dot_product_attention run
in float64, cast to float32."""

import numpy as np

from shared.cases.tensors import f64


def expect_sdpa(inp: dict) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    q, k, v = (torch.from_numpy(f64(inp[n])) for n in ("Q", "K", "V"))
    mask = torch.from_numpy(inp["mask"]) if "mask" in inp else None
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask).numpy().astype(np.float32)
