"""The read model (and the one write) other features use: milestone ticks inside the caller's
open transaction. A check-in ticks off the milestones it names in its own transaction;
leaderboards, progress and matchups read ticks beside their own data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from bot.milestones import store
from bot.milestones.model import Completion
from bot.storage.transaction import Transaction


async def tick(
    tx: Transaction, member_id: int, milestone_ids: Sequence[str], now: datetime
) -> tuple[str, ...]:
    """Mark milestones completed (without evidence); returns the ones that were not already."""
    return await store.record(tx, member_id, milestone_ids, None, now)


async def ticked(tx: Transaction, member_id: int) -> dict[str, Completion]:
    """Every milestone the member completed, by milestone id."""
    return await store.completed(tx, member_id)


def tick_scores(community_id: int, since: datetime | None) -> sa.Subquery:
    """(member_id, score): how many milestones each member of a community completed from
    `since` (None: ever), as a query the leaderboards rank in SQL."""
    return store.count_scores(community_id, since)


async def ticks_per_member(
    tx: Transaction, community_id: int, since: datetime | None
) -> dict[int, int]:
    """How many milestones each member of a community completed from `since` (None: ever)."""
    return await store.count_per_member(tx, community_id, since)


async def ticked_in_community(tx: Transaction, community_id: int) -> dict[int, set[str]]:
    """The milestone ids each member of a community completed, by member id."""
    return await store.in_community(tx, community_id)


async def dated_for(tx: Transaction, member_ids: Sequence[int]) -> dict[int, dict[str, datetime]]:
    """When each of these members completed each milestone, by member id (helpers are matched
    to blockers by what they finished recently)."""
    return await store.dated_for(tx, member_ids)
