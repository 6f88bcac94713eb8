"""What the matchups feature holds about one member: export and erasure."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.markdown import mention
from bot.matchups.store import personal
from bot.members.model import Member
from bot.storage.transaction import Transaction


class MatchData:
    """A member's participation, the blocks they set and the groups they were in. Blocks set
    on them are never exported (they are not told who blocked them)."""

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {
            "match_participation": await personal.participation(tx, member.id),
            "match_blocks": await personal.blocks_by(tx, member.id),
            "match_groups": await personal.groups_of(tx, member.id),
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        """Only this member leaves their groups: each group, its other members and their
        answers stay (and so do their intros, which belong to the outbox). Blocks by or of
        the member go, so their platform id is nowhere in these tables."""
        member = erasure.member
        erasure.redact(mention(member.user_id))  # how intros and follow-ups name them
        await personal.delete_member(tx, member.community_id, member.id, member.user_id)
