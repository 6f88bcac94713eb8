"""The check-ins feature's declaration: weekly check-ins and streaks."""

from __future__ import annotations

from bot.checkins.commands import commands
from bot.checkins.personal import CheckinData
from bot.checkins.service import CheckinService
from bot.feature import Exempt, Feature, Services, Shared
from bot.members.service import MemberService
from bot.storage.tables import checkins, streak_spares, streaks


def _build(shared: Shared, services: Services) -> CheckinService:
    return CheckinService(shared.db, shared.content, services.get(MemberService))


FEATURE = Feature(
    "checkins",
    _build,
    commands=lambda service, _: commands(service),
    tables=(checkins, streaks, streak_spares),
    member_data=lambda _: CheckinData(),
    personal=(
        checkins.c.member_id,
        checkins.c.done,
        checkins.c.next_steps,
        checkins.c.blockers,
        streaks.c.member_id,
        streak_spares.c.member_id,
    ),
    exempt=(
        Exempt(
            checkins.c.milestone_ids,
            "milestone ids from the community's content pack, each checked against it before "
            "it is saved; the row goes with the member's check-ins",
        ),
    ),
)
