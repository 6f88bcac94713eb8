"""The nudges feature's declaration: the check-in prompt and reminders to members."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.nudges.commands import commands
from bot.nudges.jobs import checkin_prompt, reminders
from bot.nudges.service import NudgeService


def _build(shared: Shared, services: Services) -> NudgeService:
    return NudgeService(shared.db)


FEATURE = Feature(
    "nudges",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda _, services: (
        checkin_prompt(services.shared.db),
        reminders(services.shared.db, services.shared.clock),
    ),
)
