"""Installations: saving, finding and deleting a workspace's install, and OAuth states."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.installations import store
from bot.installations.model import Installation
from bot.storage.database import Database


class InstallationService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, installation: Installation) -> None:
        """Store the workspace's install, replacing any earlier one (a reinstall, new tokens)."""
        async with self._db.write() as tx:
            await store.save(
                tx,
                installation.platform,
                installation.workspace,
                installation.installer_user_id,
                installation.data,
                installation.installed_at,
            )

    async def find(self, platform: str, workspace: str) -> Installation | None:
        async with self._db.read() as tx:
            return await store.find(tx, platform, workspace)

    async def delete(self, platform: str, workspace: str) -> bool:
        """Forget the workspace's install (its tokens); whether there was one."""
        async with self._db.write() as tx:
            return await store.delete(tx, platform, workspace)

    async def issue_state(self, state: str, now: datetime, lifetime: timedelta) -> None:
        async with self._db.write() as tx:
            await store.issue_state(tx, state, now + lifetime)

    async def consume_state(self, state: str, now: datetime) -> bool:
        """Whether `state` was issued and has not expired; it cannot be used again."""
        async with self._db.write() as tx:
            return await store.consume_state(tx, state, now)
