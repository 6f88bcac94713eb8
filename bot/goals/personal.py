"""What the goals feature holds about a member: their goals, in their own words."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.goals import store
from bot.members.model import Member
from bot.storage.transaction import Transaction


class GoalData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {
            "goals": [
                {
                    "number": g.number,
                    "text": g.text,
                    "due_on": None if g.due_on is None else g.due_on.isoformat(),
                    "created_at": g.created_at.isoformat(),
                    "done_at": None if g.done_at is None else g.done_at.isoformat(),
                }
                for g in await store.of_member(tx, member.id)
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member_id = erasure.member.id
        # A goal-due reminder quotes the goal.
        erasure.redact(*(g.text for g in await store.of_member(tx, member_id)))
        await store.delete_of_member(tx, member_id)
