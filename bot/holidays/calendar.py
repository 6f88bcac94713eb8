"""The read model other features use: a community's holiday weeks, read inside the caller's
open transaction (streaks, reminders, the prompt and the stats all ask it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.holidays import store
from bot.storage.transaction import Transaction


async def holiday_weeks(tx: Transaction, community_id: int) -> frozenset[date]:
    """The Mondays of every holiday week a community declared."""
    return await store.weeks(tx, community_id)


async def holiday_weeks_in(
    tx: Transaction, community_ids: Sequence[int]
) -> dict[int, frozenset[date]]:
    """The holiday weeks of each of these communities that declared any, by community id."""
    return await store.weeks_in(tx, community_ids)
