"""The outbox's service: what organizers see of it, and what it holds about a member (the
messages queued or sent to them, and their strings in posts still queued or kept)."""

from __future__ import annotations

import functools
import json
from datetime import datetime

from bot.feature import Erasure, Record
from bot.members.model import Member
from bot.outbox import store
from bot.outbox.model import Addressed, Delivery, Requeued, Status, TargetKind
from bot.outbox.redaction import Redactor, replacements
from bot.storage.database import Database
from bot.storage.transaction import Transaction

PAGE = 500  # rows decoded at a time when redacting a community's posts


class OutboxService:
    """Reads and writes a community's outbox rows for the organizer commands and for privacy;
    the drainer delivers them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def counts(self) -> list[tuple[str, str, int]]:
        """How many rows each platform has in each status: (platform, status, count)."""
        async with self._db.read() as tx:
            return await store.counts(tx)

    async def recent(self, community_id: int, status: Status | None, limit: int) -> list[Delivery]:
        """The newest rows of the community, of one status or all."""
        async with self._db.read() as tx:
            return await store.recent(tx, community_id, status, limit)

    async def requeue(self, community_id: int, row_id: int, now: datetime) -> Requeued:
        """Queue a failed row again with a fresh attempt budget; its next delivery looks for
        it on the platform first, like any later attempt."""
        async with self._db.write() as tx:
            if await store.requeue(tx, community_id, row_id, now):
                return Requeued(True)
            return Requeued(False, await store.status_of(tx, community_id, row_id))

    # MemberData ----------------------------------------------------------------------------

    async def export_member(self, tx: Transaction, member: Member) -> dict[str, list[Record]]:
        """Every direct message and group conversation queued or sent to the member."""
        rows = await store.addressed_to(tx, member.community_id, member.user_id)
        return {"messages_to_you": [_exported(row) for row in rows]}

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        """Delete the messages addressed to the member alone; take them out of the group
        conversations they were in (the others still get theirs); then take every string of
        theirs that other features named out of the community's posts still queued or kept,
        once all of them have named theirs (`Erasure.at_end`)."""
        member = erasure.member
        rows = await store.addressed_to(tx, member.community_id, member.user_id)
        theirs = [r for r in rows if r.kind is TargetKind.DIRECT or _only(r, member.user_id)]
        await store.delete_rows(tx, [r.id for r in theirs])
        for row in rows:
            if row not in theirs:
                others = tuple(u for u in row.user_ids if u != member.user_id)
                await store.set_recipients(tx, row.id, others)
        erasure.at_end(functools.partial(self._redact, erasure=erasure))

    async def _redact(self, tx: Transaction, erasure: Erasure) -> None:
        """Take every string the features named out of the community's posts still queued or
        kept: run at the end of the erasure, once every feature has named its strings."""
        member = erasure.member
        strings = replacements(erasure.strings, [member.display_name], [member.user_id])
        redactor = Redactor(strings)
        after = 0
        while page := await store.payloads(tx, member.community_id, after, PAGE):
            for row_payload in page:
                redacted = redactor.payload(row_payload.payload)
                if redacted is not None:
                    await store.set_payload(tx, row_payload.id, redacted)
            after = page[-1].id


def _only(row: Addressed, user_id: str) -> bool:
    return set(row.user_ids) <= {user_id}


def _exported(row: Addressed) -> Record:
    return {
        "key": row.key,
        "kind": row.kind.value,
        "status": row.status,
        "message": json.loads(row.payload),
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }
