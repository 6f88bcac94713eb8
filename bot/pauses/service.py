"""Pauses: `pause until:<date>` keeps a member's streak as it is and stops their reminders and
matchups until that date, then they are back by themselves; `resume` ends a pause early.

A pause starts on the member's today and ends on the `until` date (the first day back), both
on the member's own clock. Weeks whose Sunday falls inside a pause are kept (see
:mod:`bot.checkins.streaks`). Other features read a member's pauses, or a community's, from
:mod:`bot.pauses.calendar` inside their own transaction and ask `Pause.covers(day)`; those that
keep something judged from pauses (the check-ins' kept totals) listen with
:meth:`PauseService.on_change` and are told in the transaction that changes a pause.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.communities.model import Community
from bot.errors import UserError
from bot.members.model import Member
from bot.members.service import active_member
from bot.pauses import messages, store
from bot.pauses.model import Pause
from bot.storage.database import Database
from bot.storage.transaction import Transaction

SHORTEST = timedelta(days=7)
"""Shorter pauses would only skip a check-in, which a freeze already covers."""
LONGEST = timedelta(weeks=26)

PauseChanged = Callable[[Transaction, Member, datetime], Awaitable[object]]
"""Told (transaction, member, now) when a member's pause started, moved or ended."""


class PauseService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._listeners: list[PauseChanged] = []

    def on_change(self, listener: PauseChanged) -> None:
        self._listeners.append(listener)

    async def _changed(self, tx: Transaction, member: Member, now: datetime) -> None:
        for listener in self._listeners:
            await listener(tx, member, now)

    async def upcoming(self, tx: Transaction, member_id: int, day: date) -> Pause | None:
        """The member's pause that covers `day` or starts after it, in the caller's
        transaction."""
        found = await store.current(tx, member_id, day)
        return None if found is None else found[1]

    async def of_community(
        self, tx: Transaction, community_id: int, ending_after: date
    ) -> dict[int, tuple[Pause, ...]]:
        """The pauses of a community's members that end after a date, by member id."""
        return await store.of_community(tx, community_id, ending_after)

    async def pause(self, community: Community, user_id: str, until: date, now: datetime) -> Pause:
        """Pause the caller from today until `until`; a pause under way gets the new end."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            today = member.today(now)
            if until < today + SHORTEST:
                raise UserError(messages.too_short(today + SHORTEST))
            if until > today + LONGEST:
                raise UserError(messages.too_long(today + LONGEST))
            under_way = await store.current(tx, member.id, today)
            if under_way is None:
                await store.add(tx, member.id, today, until, now)
                started = Pause(today, until)
            else:
                pause_id, pause = under_way
                await store.set_end(tx, pause_id, until)
                started = Pause(pause.starts_on, until)
            await self._changed(tx, member, now)
        return started

    async def resume(self, community: Community, user_id: str, now: datetime) -> None:
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            today = member.today(now)
            under_way = await store.current(tx, member.id, today)
            if under_way is None:
                raise UserError(messages.not_paused(today))
            await store.set_end(tx, under_way[0], today)
            await self._changed(tx, member, now)
