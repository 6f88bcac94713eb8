"""What the installations feature holds about a member: the installs they made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.feature import Erasure, Record
from bot.installations import store
from bot.storage.transaction import Transaction


class Person(Protocol):
    @property
    def community_id(self) -> int: ...

    @property
    def user_id(self) -> str: ...


class InstallerRows:
    """Forgetting the member who installed Cohort takes their id off the install; the
    install (the workspace's tokens) stays, so Cohort keeps working there."""

    async def export_member(self, tx: Transaction, member: Person) -> Mapping[str, list[Record]]:
        return {
            "installations_you_made": await store.installed_by(
                tx, member.community_id, member.user_id
            )
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member = erasure.member
        await store.forget_installer(tx, member.community_id, member.user_id)
