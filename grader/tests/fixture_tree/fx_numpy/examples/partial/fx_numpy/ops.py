"""A student's fx: add is right, scale multiplies by k+1, sample and sqrt are untouched."""

import numpy as np


def add(a, b):
    return np.asarray(a) + np.asarray(b)


def scale(x, k):
    out = x
    for _ in range(k):
        out = add(out, x)
    return out


def sample(probs, n, seed):
    raise NotImplementedError("todo")


def checked_sqrt(x):
    raise NotImplementedError("todo")
