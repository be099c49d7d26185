"""A case's service: state that stays in the grader's process while student code queries it.

Some graded tasks are interactive: a3's `plan(api, budget)` queries a training simulator whose law is the term's
secret. Sending the law to the worker would let student code read it, so the case names a *service* instead:
`Case(service=factory)` builds a handler `request -> reply` from the case's full inputs in the grader's process,
`Case(public=...)` strips the secret from what the worker receives, and student-side code calls
`service.call(request)`. In grading the call travels over the worker's pipe (data-only frames, both ways); in-
process runs (the reference, mutants) call the handler directly. Either way the worker never holds the secret,
only the replies it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Channel = Callable[[Any], Any]
MAX_CALLS = 100_000  # per case: a runaway loop of queries fails the case instead of the grader


class ServiceError(RuntimeError):
    """The service refused a request (its message says why) or this case has no service."""


_channel: Channel | None = None


def call(request: Any) -> Any:
    """Send one request to the current case's service and return its reply (plain data both ways)."""
    if _channel is None:
        raise ServiceError("no service is connected: service.call works only inside a graded case that has one")
    return _channel(request)


@contextmanager
def connected(channel: Channel | None) -> Iterator[None]:
    """Route `call` to `channel` for the duration of one case."""
    global _channel
    before, _channel = _channel, channel
    try:
        yield
    finally:
        _channel = before


def guarded(handler: Channel) -> Channel:
    """The handler as the grader runs it: a refused request (any exception) becomes a ServiceError message for the
    caller, and more than MAX_CALLS requests are refused."""
    calls = 0

    def channel(request: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > MAX_CALLS:
            raise ServiceError(f"more than {MAX_CALLS} service requests in one case")
        try:
            return handler(request)
        except ServiceError:
            raise
        except Exception as e:  # noqa: BLE001 - the handler validates untrusted requests; any refusal is an answer
            raise ServiceError(f"{type(e).__name__}: {e}") from None

    return channel
