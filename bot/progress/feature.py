"""The progress feature's declaration: a member's weeks, hours and phases, and stats."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.progress.commands import commands
from bot.progress.service import ProgressService


def _build(shared: Shared, services: Services) -> ProgressService:
    return ProgressService(
        shared.db, shared.content, services.get(MemberService), services.get(CheckinService)
    )


FEATURE = Feature("progress", _build, commands=lambda service, _: commands(service))
