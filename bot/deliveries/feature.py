"""The deliveries feature's declaration: what organizers see of the outbox, through the
outbox's own service."""

from __future__ import annotations

from bot.deliveries.commands import commands
from bot.feature import Feature, Services, Shared
from bot.outbox.service import OutboxService


def _build(shared: Shared, services: Services) -> OutboxService:
    return services.get(OutboxService)


FEATURE = Feature("deliveries", _build, commands=lambda service, _: commands(service))
