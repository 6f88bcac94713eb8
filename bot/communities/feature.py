"""The communities feature's declaration: the service every other feature builds on."""

from __future__ import annotations

from bot.communities.service import CommunityService
from bot.feature import Feature, Services, Shared
from bot.storage.tables import communities, community_channels, organizers, schedules


def _build(shared: Shared, services: Services) -> CommunityService:
    return CommunityService(shared.db, shared.clock)


FEATURE = Feature(
    "communities",
    _build,
    tables=(communities, community_channels, schedules, organizers),
)
