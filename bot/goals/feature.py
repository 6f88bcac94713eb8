"""The goals feature's declaration: a member's own goals with due dates."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.goals.commands import commands
from bot.goals.personal import GoalData
from bot.goals.service import GoalService
from bot.members.service import MemberService
from bot.storage.tables import goals


def _build(shared: Shared, services: Services) -> GoalService:
    return GoalService(shared.db, services.get(MemberService))


FEATURE = Feature(
    "goals",
    _build,
    commands=lambda service, _: commands(service),
    tables=(goals,),
    member_data=lambda _: GoalData(),
    personal=(goals.c.member_id, goals.c.text),
)
