"""The privacy feature's declaration: export and forget-me, through every feature's
`MemberData`."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.privacy.commands import commands
from bot.privacy.service import PrivacyService


def _build(shared: Shared, services: Services) -> PrivacyService:
    # Read when a command runs, so features listed after privacy are asked too.
    return PrivacyService(shared.db, services.get(MemberService), services.member_data)


FEATURE = Feature("privacy", _build, commands=lambda service, _: commands(service))
