"""The classes feature's declaration: members who start in the same month, seen together.
A class is derived from each member's start date, so the feature holds nothing of its own."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.classes.commands import commands
from bot.classes.service import ClassService
from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService


def _build(shared: Shared, services: Services) -> ClassService:
    return ClassService(
        shared.db, shared.content, services.get(MemberService), services.get(CheckinService)
    )


FEATURE = Feature("classes", _build, commands=lambda service, _: commands(service))
