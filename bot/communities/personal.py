"""What the communities feature holds about a member: their organizer role and the organizers
they named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.communities import store
from bot.feature import FORGOTTEN, Erasure, Record
from bot.storage.transaction import Transaction


class Person(Protocol):
    """What this feature needs of a member (members build on communities, not the reverse)."""

    @property
    def community_id(self) -> int: ...

    @property
    def user_id(self) -> str: ...


class OrganizerRows:
    """Forgetting an organizer removes their role (so rejoining does not make them one again)
    and their id from the organizers they named; those organizers stay."""

    async def export_member(self, tx: Transaction, member: Person) -> Mapping[str, list[Record]]:
        return {
            "organizer_role": await store.organizer_role(tx, member.community_id, member.user_id),
            "organizers_you_named": await store.organizers_added_by(
                tx, member.community_id, member.user_id
            ),
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member = erasure.member
        await store.forget_organizer(tx, member.community_id, member.user_id, FORGOTTEN)
