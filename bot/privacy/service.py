"""Data ownership: `export` gives a member all their data as JSON, `forget-me` deletes it.

Privacy reads no table itself: it asks every feature through the contract (`MemberData` in
bot/feature.py). Export collects each feature's sections; forgetting hands one `Erasure` to
every feature in reverse registry order (a feature erases before the features it builds on,
so members go after everything that refers to them), then runs the steps features left for
the end (the outbox redacting the strings everyone named), all in one transaction.

Both work after `leave` too: leaving stops everything but keeps the history until the member
asks for it to be forgotten. Forgetting needs a confirmation code that names the membership
(it changes when someone leaves and joins again), so an old button cannot delete anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from bot.communities.model import Community
from bot.errors import UserError
from bot.feature import Erasure, MemberData, Record
from bot.members.model import Member
from bot.members.service import MemberService
from bot.privacy import messages
from bot.privacy.model import Export, Preview
from bot.storage.database import Database
from bot.storage.transaction import Transaction

FORMAT = "cohort-export/2"  # 2: one object per feature, each with its sections

Holders = Callable[[], tuple[tuple[str, MemberData], ...]]


def confirmation_code(member: Member) -> str:
    membership = f"{member.id}:{member.joined_at.isoformat()}".encode()
    return hashlib.sha256(membership).hexdigest()[:6]


def _counts(features: dict[str, dict[str, list[Record]]]) -> dict[str, int]:
    """Records per section, the member's profile aside (it is always there)."""
    return {
        section: len(records)
        for sections in features.values()
        for section, records in sections.items()
        if records and section != "profile"
    }


class PrivacyService:
    def __init__(self, db: Database, members: MemberService, holders: Holders) -> None:
        self._db = db
        self._members = members
        self._holders = holders  # every feature's MemberData, in registry order

    async def _known(self, tx: Transaction, community: Community, user_id: str) -> Member:
        member = await self._members.find_in(tx, community.id, user_id)
        if member is None:
            raise UserError(messages.NOTHING_KNOWN)
        return member

    async def _collect(self, tx: Transaction, member: Member) -> dict[str, dict[str, list[Record]]]:
        features: dict[str, dict[str, list[Record]]] = {}
        for name, holder in self._holders():
            sections = await holder.export_member(tx, member)
            features.setdefault(name, {}).update({k: list(v) for k, v in sections.items()})
        return features

    async def export(self, community: Community, user_id: str, now: datetime) -> Export:
        async with self._db.read() as tx:
            member = await self._known(tx, community, user_id)
            features = await self._collect(tx, member)
        document = {
            "format": FORMAT,
            "exported_at": now.isoformat(),
            "community": {
                "platform": community.ref.platform.value,
                "id": community.ref.external_id,
            },
            "features": features,
        }
        data = json.dumps(document, ensure_ascii=False, indent=2).encode()
        return Export(member, data, _counts(features))

    async def preview(self, community: Community, user_id: str) -> Preview:
        async with self._db.read() as tx:
            member = await self._known(tx, community, user_id)
            counts = _counts(await self._collect(tx, member))
        return Preview(member, counts, confirmation_code(member))

    async def forget(self, community: Community, user_id: str, code: str) -> None:
        async with self._db.write() as tx:
            member = await self._known(tx, community, user_id)
            if code.strip().lower() != confirmation_code(member):
                raise UserError(messages.wrong_code())
            erasure = Erasure(member)
            for _, holder in reversed(self._holders()):
                await holder.erase_member(tx, erasure)
            await erasure.finish(tx)
        await self._db.scrub()
