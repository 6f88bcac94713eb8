"""What the helpers feature holds about a member: their helper settings, the blocks they made,
the blockers they routed (in their own words) and the requests they were offered or asked."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.helpers import store
from bot.members.model import Member
from bot.storage.transaction import Transaction


class HelperData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        chosen = await store.volunteer(tx, member.id)
        settings: list[Record] = []
        if chosen is not None:
            settings.append(
                {
                    "active": chosen.active,
                    "weekly_limit": chosen.weekly_limit,
                    "topics": list(chosen.topics),
                    "phases": list(chosen.phases),
                }
            )
        return {
            "helper": settings,
            "blocks": [
                {"member": name, "created_at": at.isoformat()}
                for name, at in await store.blocks_by(tx, member.id)
            ],
            "blockers_routed": [
                {
                    "week_start": r.week.isoformat(),
                    "text": r.text,
                    "subject": r.subject,
                    "status": r.status.value,
                    "asked_at": None if r.asked_at is None else r.asked_at.isoformat(),
                    "answered_at": None if r.answered_at is None else r.answered_at.isoformat(),
                }
                for r in await store.requests_of(tx, member.id)
            ],
            "offered_as_helper": await store.offers_to(tx, member.id),
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member_id = erasure.member.id
        # Intros and follow-ups quote the member's blocker.
        erasure.redact(*(r.text for r in await store.requests_of(tx, member_id)))
        await store.delete_of_member(tx, member_id)
