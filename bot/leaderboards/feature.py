"""The leaderboards feature's declaration: streaks, hours and milestones ranked."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.feature import Feature, Services, Shared
from bot.leaderboards.commands import commands
from bot.leaderboards.service import LeaderboardService
from bot.members.service import MemberService


def _build(shared: Shared, services: Services) -> LeaderboardService:
    return LeaderboardService(shared.db, services.get(MemberService), services.get(CheckinService))


FEATURE = Feature("leaderboards", _build, commands=lambda service, _: commands(service))
