"""The check-ins feature's declaration: weekly check-ins and streaks."""

from __future__ import annotations

from bot.checkins.commands import commands
from bot.checkins.service import CheckinService
from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.storage.tables import checkins, streaks


def _build(shared: Shared, services: Services) -> CheckinService:
    return CheckinService(shared.db, shared.content, services.get(MemberService))


FEATURE = Feature(
    "checkins", _build, commands=lambda service, _: commands(service), tables=(checkins, streaks)
)
