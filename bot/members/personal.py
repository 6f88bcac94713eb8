"""What the members feature holds about a member: their membership row, exported and erased."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.members import store
from bot.members.model import Member
from bot.storage.transaction import Transaction


class MemberRows:
    """The member row itself: profile, time zone, focus, display name and platform user id.
    Privacy erases it after every other feature, since theirs build on it."""

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {"profile": [_record(member)]}

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member = erasure.member
        erasure.redact(member.display_name, member.user_id, member.focus)
        await store.delete(tx, member.id)


def _record(member: Member) -> dict[str, object]:
    """The member row as plain JSON values, for the export."""
    return {
        "user_id": member.user_id,
        "display_name": member.display_name,
        "timezone": member.timezone,
        "start_date": member.start_date.isoformat(),
        "weekly_hours": member.weekly_hours,
        "focus": member.focus,
        "public": member.public,
        "nudges": member.nudges,
        "joined_at": member.joined_at.isoformat(),
        "left_at": None if member.left_at is None else member.left_at.isoformat(),
    }
