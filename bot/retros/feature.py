"""The retros feature's declaration: a retro every quarter of a member's journey, and a
summary of each class's retros for the community."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.classes.service import ClassService
from bot.feature import Feature, Services, Shared
from bot.goals.service import GoalService
from bot.members.service import MemberService
from bot.pauses.service import PauseService
from bot.retros.commands import commands
from bot.retros.jobs import retros as retro_job
from bot.retros.personal import RetroData
from bot.retros.service import RetroService
from bot.storage.tables import retro_summaries, retros


def _build(shared: Shared, services: Services) -> RetroService:
    return RetroService(
        shared.db,
        shared.content,
        services.get(MemberService),
        services.get(PauseService),
        services.get(GoalService),
        services.get(ClassService),
        services.get(CheckinService),
    )


FEATURE = Feature(
    "retros",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (retro_job(service),),
    tables=(retros, retro_summaries),
    member_data=lambda _: RetroData(),
    personal=(retros.c.member_id, retros.c.went_well, retros.c.to_change, retros.c.goal),
)
