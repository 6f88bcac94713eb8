"""The calendars that judge streaks: the holidays, pauses and spared weeks that keep a
member's weeks without a check-in."""

from __future__ import annotations

from collections.abc import Sequence

from bot.checkins import spares_store, store
from bot.checkins.model import Cached
from bot.checkins.streaks import Calendar
from bot.holidays.calendar import holiday_weeks
from bot.members.model import Member
from bot.pauses.calendar import community_pauses, member_pauses
from bot.storage.transaction import Transaction

FEW_MEMBERS = 500
"""Up to this many members, streaks are read for those members only (an IN list), not the
whole community's."""


async def member_calendar(tx: Transaction, community_id: int, member_id: int) -> Calendar:
    """The holidays, pauses and spared weeks that keep a member's weeks without a check-in."""
    return Calendar(
        await holiday_weeks(tx, community_id),
        await member_pauses(tx, member_id),
        frozenset(week for week, _ in await spares_store.spares(tx, member_id)),
    )


async def judged_in_community(
    tx: Transaction, community_id: int, members: Sequence[Member]
) -> dict[int, tuple[Cached, Calendar]]:
    """The cached streak of each of these members who has checked in, with the calendar
    that judges it (the community's holidays, the member's pauses and spared weeks)."""
    if not members:
        return {}
    # A few members (a reminder round, a classmate list): read only theirs.
    chosen = [m.id for m in members] if len(members) <= FEW_MEMBERS else None
    cached = await store.cached_in_community(tx, community_id, chosen)
    if not cached:
        return {}
    holidays = await holiday_weeks(tx, community_id)
    oldest = min(c.through for c in cached.values())
    pauses = await community_pauses(tx, community_id, oldest)
    spared = await store.spared_in_community(tx, community_id, chosen)
    return {
        member_id: (
            known,
            Calendar(holidays, pauses.get(member_id, ()), spared.get(member_id, frozenset())),
        )
        for member_id, known in cached.items()
    }
