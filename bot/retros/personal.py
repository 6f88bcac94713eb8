"""What the retros hold about a member: their answers, in their own words."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.members.model import Member
from bot.retros import store
from bot.storage.transaction import Transaction


class RetroData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {
            "retros": [
                {
                    "quarter": r.quarter,
                    "class": r.class_month.strftime("%Y-%m"),
                    "asked_at": None if r.asked_at is None else r.asked_at.isoformat(),
                    "answered_at": None if r.answered_at is None else r.answered_at.isoformat(),
                    "went_well": r.went_well,
                    "to_change": r.to_change,
                    "goal": r.goal,
                    "goal_number": r.goal_number,
                    "share": r.share,
                }
                for r in await store.of_member(tx, member.id)
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        retros = await store.of_member(tx, erasure.member.id)
        # A class summary still queued may quote a shared goal.
        erasure.redact(*(r.goal for r in retros))
        await store.delete_of_member(tx, erasure.member.id)
