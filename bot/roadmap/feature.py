"""The roadmap feature's declaration: phases, months, steps and resources."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.roadmap.commands import commands
from bot.roadmap.service import RoadmapService


def _build(shared: Shared, services: Services) -> RoadmapService:
    return RoadmapService(shared.content, services.get(MemberService))


FEATURE = Feature("roadmap", _build, commands=lambda service, _: commands(service))
