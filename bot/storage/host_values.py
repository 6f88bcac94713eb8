"""Small named values the host keeps between runs, such as the console's clock offset."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.database import Database
from bot.storage.tables import host_values


class HostValues:
    """Reads and writes `host_values` rows; keys are chosen by the code, never by users."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        async with self._db.read() as tx:
            query = sa.select(host_values.c.value).where(host_values.c.key == key)
            return (await tx.execute(query)).scalar_one_or_none()

    async def put(self, key: str, value: str) -> None:
        async with self._db.write() as tx:
            await tx.execute(tx.upsert(host_values, {"key": key, "value": value}, ["key"]))
