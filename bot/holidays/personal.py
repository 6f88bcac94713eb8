"""What the holidays feature holds about a member: the holiday weeks they declared as an
organizer. Holiday weeks belong to the community, so forgetting the organizer keeps the weeks
and replaces their user id in `declared_by` with a placeholder."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import FORGOTTEN, Erasure, Record
from bot.holidays import store
from bot.members.model import Member
from bot.storage.transaction import Transaction

"""What `declared_by` says once the organizer who declared the week is forgotten."""


class HolidayData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        declared = await store.declared_by(tx, member.community_id, member.user_id)
        return {
            "holidays_declared": [
                {"week_start": d.week.isoformat(), "declared_at": d.declared_at.isoformat()}
                for d in declared
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member = erasure.member
        await store.reassign(tx, member.community_id, member.user_id, FORGOTTEN)
