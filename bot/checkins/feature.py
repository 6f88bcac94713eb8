"""The check-ins feature's declaration: weekly check-ins and streaks."""

from __future__ import annotations

from bot.checkins.commands import commands
from bot.checkins.personal import CheckinData
from bot.checkins.service import CheckinService
from bot.feature import Exempt, Feature, Services, Shared
from bot.holidays.service import HolidayService
from bot.members.service import MemberService
from bot.pauses.service import PauseService
from bot.storage.tables import checkin_weeks, checkins, streak_spares, streaks


def _build(shared: Shared, services: Services) -> CheckinService:
    service = CheckinService(shared.db, shared.content, services.get(MemberService))
    # Holidays and pauses change which weeks keep a streak: the kept totals are judged again.
    services.get(HolidayService).on_change(service.week_changed)
    services.get(PauseService).on_change(service.recompute)
    return service


FEATURE = Feature(
    "checkins",
    _build,
    commands=lambda service, _: commands(service),
    tables=(checkins, streaks, checkin_weeks, streak_spares),
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
        Exempt(
            checkins.c.blocker_subject,
            "a milestone or topic id from the community's content pack, checked against it "
            "before it is saved; the row goes with the member's check-ins",
        ),
    ),
)
