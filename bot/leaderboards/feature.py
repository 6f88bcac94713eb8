"""The leaderboards feature's declaration: streaks, hours and milestones ranked."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.leaderboards.commands import commands
from bot.leaderboards.service import LeaderboardService


def _build(shared: Shared, services: Services) -> LeaderboardService:
    return LeaderboardService(shared.db)


FEATURE = Feature("leaderboards", _build, commands=lambda service, _: commands(service))
