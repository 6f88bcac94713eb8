"""The read model other features use: members' pauses, read inside the caller's open
transaction. Dates are calendar dates on each member's own clock; ask `Pause.covers(day)`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.pauses import store
from bot.pauses.model import Pause
from bot.storage.transaction import Transaction


async def member_pauses(tx: Transaction, member_id: int) -> tuple[Pause, ...]:
    """Every pause of one member, oldest first."""
    return await store.of_member(tx, member_id)


async def community_pauses(
    tx: Transaction, community_id: int, ending_after: date
) -> dict[int, tuple[Pause, ...]]:
    """The pauses of a community's members that end after a date, by member id."""
    return await store.of_community(tx, community_id, ending_after)


async def pauses_of(
    tx: Transaction, member_ids: Sequence[int], ending_after: date
) -> dict[int, tuple[Pause, ...]]:
    """The pauses of these members that end after a date, by member id."""
    return await store.of_members(tx, member_ids, ending_after)


async def pause_under_way(tx: Transaction, member_id: int, day: date) -> Pause | None:
    """The member's pause that covers `day` or starts after it."""
    found = await store.current(tx, member_id, day)
    return None if found is None else found[1]
