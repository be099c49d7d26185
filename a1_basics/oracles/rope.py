"""Expected values of a1.rope's cases (instructor-only). The oracle treats each adjacent feature pair
(x[2k], x[2k+1]) as the complex number x[2k] + i x[2k+1] and multiplies it by exp(i m theta^(-2k/d_k)), in float64
numpy; it shares no code with the reference's cos/sin tables."""

import numpy as np

from shared.cases.tensors import f64


def rotate_pairs(x: np.ndarray, positions: np.ndarray, theta: float) -> np.ndarray:
    """Oracle: x (..., seq, d) rotated pairwise as complex numbers; positions broadcast to (..., seq)."""
    d = x.shape[-1]
    z = f64(x[..., 0::2]) + 1j * f64(x[..., 1::2])  # (..., seq, d/2)
    freqs = theta ** (-np.arange(0, d, 2, dtype=np.float64) / d)  # theta^(-2k/d) for k = 0 .. d/2-1
    z = z * np.exp(1j * f64(positions)[..., None] * freqs)
    out = np.empty(np.broadcast_shapes(x.shape, z.shape[:-1] + (d,)), dtype=np.float64)
    out[..., 0::2], out[..., 1::2] = z.real, z.imag
    return out.astype(x.dtype)


def expect_rope(inp: dict) -> np.ndarray:
    return rotate_pairs(inp["x"], inp["positions"], inp["theta"])


def expect_no_buffers(inp: dict) -> list:
    """The rope_64 fixture's summary, the sorted keys of its state dict: none."""
    return []
