"""Work split across two processes (a case group in the grader)."""

import multiprocessing as mp

import numpy as np


def _half(values: np.ndarray, q: mp.Queue) -> None:
    q.put(float(values.sum()))


def world_sum(chunks: list[np.ndarray]) -> list[float]:
    """Sum each chunk in its own process; results in chunk order."""
    # BEGIN SOLUTION
    ctx = mp.get_context("fork")
    out = []
    for values in chunks:
        q = ctx.Queue()
        p = ctx.Process(target=_half, args=(values, q))
        p.start()
        out.append(q.get(timeout=20))
        p.join(timeout=20)
    return out
    # END SOLUTION
