"""What the matchups feature holds about one member: export and erasure."""

from __future__ import annotations

import hashlib
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
        answers stay (and so do their intros, which belong to the outbox). The blocks they set
        go. A block someone set on them stays, holding a one-way fingerprint instead of their
        platform id: whoever blocked them is still never matched with them if they come back
        (`match join` turns the fingerprint back into their id)."""
        member = erasure.member
        erasure.redact(mention(member.user_id))  # how intros and follow-ups name them
        await personal.delete_member(
            tx,
            member.community_id,
            member.id,
            member.user_id,
            block_fingerprint(member.community_id, member.user_id),
        )


def block_fingerprint(community_id: int, user_id: str) -> str:
    """What a block on a forgotten member holds in place of their platform id: a hash that
    the same person joining this community again reproduces, and that names no one."""
    digest = hashlib.sha256(f"cohort-block:{community_id}:{user_id}".encode()).hexdigest()
    return f"forgotten:{digest[:40]}"
