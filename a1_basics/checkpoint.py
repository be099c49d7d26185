"""Saving and resuming a training run: model weights, optimizer state and the iteration number in one file."""

from __future__ import annotations

import os
from typing import IO, BinaryIO

import torch
from torch import nn

KEYS = ("model", "optimizer", "iteration")


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, iteration: int,
                    out: str | os.PathLike | BinaryIO | IO[bytes]) -> None:
    """Writes {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iteration": iteration} with
    torch.save to `out`, a path or a writable binary file object."""
    # BEGIN SOLUTION
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iteration": int(iteration)},
               out)
    # END SOLUTION


def load_checkpoint(src: str | os.PathLike | BinaryIO | IO[bytes], model: nn.Module,
                    optimizer: torch.optim.Optimizer) -> int:
    """Restores model and optimizer state from a file written by `save_checkpoint` (a path or a readable binary
    file object) and returns the saved iteration. Raises ValueError, naming the source, when it is not such a
    checkpoint (truncated, corrupt, or another kind of file). Loads with weights_only=True: a checkpoint is
    data, never code to run."""
    # BEGIN SOLUTION
    name = src if isinstance(src, (str, os.PathLike)) else type(src).__name__
    try:
        state = torch.load(src, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise  # a missing file is the caller's mistake, not a corrupt checkpoint
    except Exception as e:
        # subtle: corrupt bytes reach the unpickler, which can fail with almost any exception (IndexError,
        # KeyError, UnicodeDecodeError, ...), not only UnpicklingError: every one of them means "not a checkpoint".
        raise ValueError(f"{name}: not a checkpoint written by save_checkpoint ({type(e).__name__}: {e})") from e
    if not isinstance(state, dict) or set(KEYS) - set(state):
        raise ValueError(f"{name}: a checkpoint holds the keys {list(KEYS)}; this file has "
                         f"{sorted(state) if isinstance(state, dict) else type(state).__name__}")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["iteration"])
    # END SOLUTION
