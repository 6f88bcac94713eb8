"""What the pauses feature holds about a member: their pauses."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.members.model import Member
from bot.pauses import store
from bot.storage.transaction import Transaction


class PauseData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {
            "pauses": [
                {
                    "starts_on": p.pause.starts_on.isoformat(),
                    "ends_on": p.pause.ends_on.isoformat(),
                    "created_at": p.created_at.isoformat(),
                }
                for p in await store.rows_of_member(tx, member.id)
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        await store.delete_of_member(tx, erasure.member.id)
