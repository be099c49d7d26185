"""Shared fixtures of the a5 instructor tests."""

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny models run faster on one thread, and a busy 2-core machine cannot oversubscribe it (with 2 threads
    and other load, each small matmul can stall for milliseconds)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
