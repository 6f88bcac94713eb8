"""Data ownership: `export` gives a member all their data as JSON, `forget-me` deletes it.

Both work after `leave` too: leaving stops everything but keeps the history until the member
asks for it to be forgotten. Forgetting needs a confirmation code that names the membership
(it changes when someone leaves and joins again), so an old button cannot delete anything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from bot.communities.model import Community
from bot.errors import UserError
from bot.members import store as members_store
from bot.members.model import Member
from bot.members.service import MemberService
from bot.privacy import messages, store
from bot.storage.database import Database

FORMAT = "cohort-export/1"


@dataclass(frozen=True, slots=True)
class Export:
    member: Member
    data: bytes  # UTF-8 JSON
    counts: dict[str, int]  # rows per table


@dataclass(frozen=True, slots=True)
class Preview:
    """What forgetting would delete, and the code that confirms it."""

    member: Member
    counts: dict[str, int]
    code: str


def confirmation_code(member: Member) -> str:
    membership = f"{member.id}:{member.joined_at.isoformat()}".encode()
    return hashlib.sha256(membership).hexdigest()[:6]


class PrivacyService:
    def __init__(self, db: Database, members: MemberService) -> None:
        self._db = db
        self._members = members

    async def _known(self, community: Community, user_id: str) -> Member:
        member = await self._members.find(community.id, user_id)
        if member is None:
            raise UserError(messages.NOTHING_KNOWN)
        return member

    async def export(self, community: Community, user_id: str, now: datetime) -> Export:
        member = await self._known(community, user_id)
        async with self._db.read() as tx:
            profile = await store.member_row(tx, member.id)
            tables = await store.rows(tx, member.id)
            sent = await store.messages_to_you(tx, community.id, user_id)
        for message in sent:
            message["payload"] = json.loads(str(message["payload"]))
        document = {
            "format": FORMAT,
            "exported_at": now.isoformat(),
            "community": {
                "platform": community.ref.platform.value,
                "id": community.ref.external_id,
            },
            "member": profile,
            "tables": tables,
            "messages_to_you": sent,
        }
        data = json.dumps(document, ensure_ascii=False, indent=2).encode()
        counts = {name: len(rows) for name, rows in tables.items() if rows}
        return Export(member, data, counts)

    async def preview(self, community: Community, user_id: str) -> Preview:
        member = await self._known(community, user_id)
        async with self._db.read() as tx:
            counts = await store.counts(tx, member.id)
        return Preview(member, counts, confirmation_code(member))

    async def forget(self, community: Community, user_id: str, code: str) -> None:
        async with self._db.write() as tx:
            member = await members_store.get(tx, community.id, user_id)
            if member is None:
                raise UserError(messages.NOTHING_KNOWN)
            if code.strip().lower() != confirmation_code(member):
                raise UserError(messages.wrong_code())
            await store.delete(tx, community.id, member.id, user_id)
