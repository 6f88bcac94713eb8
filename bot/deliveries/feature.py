"""The deliveries feature's declaration: what organizers see of the outbox."""

from __future__ import annotations

from bot.deliveries.commands import commands
from bot.feature import Feature, Services, Shared
from bot.storage.database import Database
from bot.storage.tables import outbox, outbox_orphans


def _build(shared: Shared, services: Services) -> Database:
    return shared.db


FEATURE = Feature(
    "deliveries",
    _build,
    commands=lambda db, _: commands(db),
    tables=(outbox, outbox_orphans),
)
