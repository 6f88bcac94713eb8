"""Whether the running task answers a member's command: its database writes and its pictures
go before the background's (the scheduler's jobs, the outbox), which can wait a moment."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_interactive = contextvars.ContextVar("cohort_interactive", default=False)


@contextmanager
def interactive() -> Iterator[None]:
    """Mark what runs inside (and the tasks it starts) as answering a member."""
    token = _interactive.set(True)
    try:
        yield
    finally:
        _interactive.reset(token)


def is_interactive() -> bool:
    return _interactive.get()
