"""The nudges feature's declaration: the check-in prompt and reminders to members."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.feature import Feature, Services, Shared
from bot.goals.service import GoalService
from bot.members.service import MemberService
from bot.nudges.commands import commands
from bot.nudges.jobs import checkin_prompt, reminders
from bot.nudges.service import NudgeService


def _build(shared: Shared, services: Services) -> NudgeService:
    return NudgeService(
        shared.db,
        services.get(MemberService),
        services.get(CheckinService),
        services.get(GoalService),
    )


FEATURE = Feature(
    "nudges",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (checkin_prompt(service), reminders(service)),
)
