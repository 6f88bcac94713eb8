"""The admin feature's declaration: the organizer `setup` command and the guided setup."""

from __future__ import annotations

from bot.admin.commands import commands
from bot.admin.service import SetupService
from bot.communities.service import CommunityService
from bot.digests.service import DigestService
from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService


def _build(shared: Shared, services: Services) -> SetupService:
    return SetupService(
        shared.db,
        services.get(CommunityService),
        services.get(MemberService),
        services.get(DigestService),
    )


FEATURE = Feature(
    "admin", _build, commands=lambda service, services: commands(service, services.shared.content)
)
