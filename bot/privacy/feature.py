"""The privacy feature's declaration: export and forget-me."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.privacy.commands import commands
from bot.privacy.service import PrivacyService


def _build(shared: Shared, services: Services) -> PrivacyService:
    return PrivacyService(shared.db, services.get(MemberService))


FEATURE = Feature("privacy", _build, commands=lambda service, _: commands(service))
