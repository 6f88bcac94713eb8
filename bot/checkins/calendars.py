"""The calendars that judge streaks: the holidays, pauses and spared weeks that keep a
member's weeks without a check-in."""

from __future__ import annotations

from collections.abc import Sequence

from bot.checkins import spares_store, store
from bot.checkins.model import Cached
from bot.checkins.streaks import Calendar
from bot.holidays.calendar import holiday_weeks, holiday_weeks_in
from bot.members.model import Member
from bot.pauses.calendar import community_pauses, member_pauses, pauses_of
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


async def judged(tx: Transaction, members: Sequence[Member]) -> dict[int, tuple[Cached, Calendar]]:
    """The cached streak of each of these members who has checked in, with the calendar
    that judges it (their community's holidays, the member's pauses and spared weeks)."""
    communities = {m.community_id for m in members}
    if len(members) <= FEW_MEMBERS or len(communities) != 1:
        # A few members (a reminder round, a classmate list), or several communities'.
        return await _judged_by_id(tx, members)
    (community_id,) = communities
    cached = await store.cached_in_community(tx, community_id)
    if not cached:
        return {}
    holidays = await holiday_weeks(tx, community_id)
    oldest = min(c.through for c in cached.values())
    pauses = await community_pauses(tx, community_id, oldest)
    spared = await spares_store.spared_in_community(tx, community_id)
    return {
        member_id: (
            known,
            Calendar(holidays, pauses.get(member_id, ()), spared.get(member_id, frozenset())),
        )
        for member_id, known in cached.items()
    }


async def _judged_by_id(
    tx: Transaction, members: Sequence[Member]
) -> dict[int, tuple[Cached, Calendar]]:
    """`judged`, read by member id: four queries per 500 members."""
    cached = await store.cached_of(tx, [m.id for m in members])
    if not cached:
        return {}
    community_of = {m.id: m.community_id for m in members}
    holidays = await holiday_weeks_in(tx, sorted({community_of[i] for i in cached}))
    oldest = min(c.through for c in cached.values())
    pauses = await pauses_of(tx, list(cached), oldest)
    spared = await spares_store.spares_of(tx, list(cached))
    return {
        member_id: (
            known,
            Calendar(
                holidays.get(community_of[member_id], frozenset()),
                pauses.get(member_id, ()),
                frozenset(week for week, _ in spared.get(member_id, ())),
            ),
        )
        for member_id, known in cached.items()
    }
