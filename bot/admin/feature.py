"""The admin feature's declaration: organizer commands that configure a community."""

from __future__ import annotations

from bot.admin.commands import commands
from bot.communities.service import CommunityService
from bot.feature import Feature, Services, Shared


def _build(shared: Shared, services: Services) -> CommunityService:
    return services.get(CommunityService)


FEATURE = Feature(
    "admin", _build, commands=lambda service, services: commands(service, services.shared.content)
)
