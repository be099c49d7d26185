"""Helpers for the grader's tests."""

from pathlib import Path


def write_submission(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return folder


REFERENCE_OPS = '''
import numpy as np


def add(a, b):
    return a + b


def scale(x, k):
    out = np.zeros_like(x)
    for _ in range(k):
        out = add(out, x)
    return out


def sample(probs, n, seed):
    return np.random.default_rng(seed).choice(len(probs), size=n, p=probs).astype(np.int64)


def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative")
    return float(np.sqrt(x))
'''
