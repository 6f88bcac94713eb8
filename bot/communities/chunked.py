"""Work done for many communities at once (a sweep's decisions, its writes), falling back to
one community at a time where a chunk fails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.communities.model import Community

log = logging.getLogger(__name__)

FAILED = "scheduled %s failed for community %s"
T = TypeVar("T")
R = TypeVar("R")


async def together(
    kind: str,
    items: Sequence[tuple[Community, T]],
    act: Callable[[Sequence[tuple[Community, T]]], Awaitable[list[R]]],
) -> list[R]:
    """`act` on every community's item at once; when that fails, again a community at a
    time, each in a transaction of its own, so one community's failure costs the others
    nothing."""
    try:
        return await act(items)
    except Exception:
        if len(items) == 1:
            log.exception(FAILED, kind, items[0][0].id)
            return []
        log.warning("%s failed for %d communities at once; one at a time", kind, len(items))
    done: list[R] = []
    for one in items:
        try:
            done += await act([one])
        except Exception:
            log.exception(FAILED, kind, one[0].id)
    return done
