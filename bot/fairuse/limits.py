"""Per-member and per-community limits on commands in flight and per minute, weighted by each
command's declared cost (a card, an export or a preview costs more than a lookup).

One `FairUse` per process, consulted by the dispatcher at a command's entry with the time of
the command. Each process counts its own commands: with several processes, the limits hold
per process (a member's commands usually reach one of them, a community's may reach several).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.fairuse import messages

WINDOW = timedelta(minutes=1)
SWEEP_EVERY = 1000  # admissions between two sweeps of idle keys, to bound memory


@dataclass(frozen=True, slots=True)
class Limits:
    """Cost units; 0 turns a limit off. A command always runs when nothing of its member (or
    community) is in flight or spent in the last minute, whatever its cost."""

    member_concurrent: int = 4
    member_per_minute: int = 30
    community_concurrent: int = 40
    community_per_minute: int = 600


@dataclass(slots=True)
class _Usage:
    in_flight: int = 0
    spent: deque[tuple[datetime, int]] = field(default_factory=deque)
    spent_total: int = 0

    def forget_before(self, start: datetime) -> None:
        while self.spent and self.spent[0][0] <= start:
            self.spent_total -= self.spent.popleft()[1]

    def wait_for(self, cost: int, limit: int, now: datetime) -> float:
        """Seconds until `cost` more fits in the last minute's `limit`."""
        freed = 0
        for at, spent in self.spent:
            freed += spent
            if self.spent_total - freed + cost <= limit:
                return (at + WINDOW - now).total_seconds()
        return WINDOW.total_seconds()

    @property
    def idle(self) -> bool:
        return self.in_flight == 0 and not self.spent


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a command was held back, as the one line its member reads; `scope` for metrics."""

    scope: str  # "member" or "community"
    message: str


class Admission:
    """A command let through: `release()` it when it is answered (once)."""

    def __init__(self, usages: tuple[_Usage, ...], cost: int) -> None:
        self._usages = usages
        self._cost = cost
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            for usage in self._usages:
                usage.in_flight -= self._cost


class FairUse:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._members: dict[Hashable, _Usage] = {}
        self._communities: dict[Hashable, _Usage] = {}
        self._admitted = 0

    def admit(
        self, member: Hashable, community: Hashable, cost: int, now: datetime
    ) -> Admission | Refusal:
        """Let a command of `cost` units through at `now` (the command's time), or say why not."""
        limits = self.limits
        mine = self._members.setdefault(member, _Usage())
        ours = self._communities.setdefault(community, _Usage())
        start = now - WINDOW
        mine.forget_before(start)
        ours.forget_before(start)
        if _over(mine.in_flight, cost, limits.member_concurrent):
            return Refusal("member", messages.member_busy())
        if _over(mine.spent_total, cost, limits.member_per_minute):
            wait = mine.wait_for(cost, limits.member_per_minute, now)
            return Refusal("member", messages.member_rate(_whole(wait)))
        if _over(ours.in_flight, cost, limits.community_concurrent):
            return Refusal("community", messages.community_busy())
        if _over(ours.spent_total, cost, limits.community_per_minute):
            wait = ours.wait_for(cost, limits.community_per_minute, now)
            return Refusal("community", messages.community_rate(_whole(wait)))
        for usage in (mine, ours):
            usage.in_flight += cost
            usage.spent.append((now, cost))
            usage.spent_total += cost
        self._admitted += 1
        if self._admitted % SWEEP_EVERY == 0:
            self._sweep(start)
        return Admission((mine, ours), cost)

    def tracked(self) -> int:
        """How many members and communities are remembered (idle ones are swept)."""
        return len(self._members) + len(self._communities)

    def _sweep(self, start: datetime) -> None:
        for table in (self._members, self._communities):
            for key in [k for k, usage in table.items() if _forgotten(usage, start)]:
                del table[key]


def _over(used: int, cost: int, limit: int) -> bool:
    return limit > 0 and used > 0 and used + cost > limit


def _forgotten(usage: _Usage, start: datetime) -> bool:
    usage.forget_before(start)
    return usage.idle


def _whole(seconds: float) -> int:
    return max(1, math.ceil(seconds))
