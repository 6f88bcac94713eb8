"""The deliveries feature's declaration: what organizers see of the outbox."""

from __future__ import annotations

import dataclasses

from bot.deliveries.commands import commands
from bot.outbox.feature import FEATURE as OUTBOX

# Until the registry (bot/features.py) lists the outbox feature itself, before this one, the
# deliveries feature declares the outbox's service, tables and member data as its own. Once
# it does, this becomes:
#   Feature("deliveries", lambda _, services: services.get(OutboxService),
#           commands=lambda service, _: commands(service))
FEATURE = dataclasses.replace(
    OUTBOX, name="deliveries", commands=lambda service, _: commands(service)
)
