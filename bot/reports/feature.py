"""The reports feature's declaration: the weekly organizer report and its nudges. It owns no
table: it reads the other features through their services, and what it sends is the outbox's."""

from __future__ import annotations

from bot.challenges.service import ChallengeService
from bot.checkins.service import CheckinService
from bot.communities.service import CommunityService
from bot.feature import Feature, Services, Shared
from bot.helpers.service import HelperService
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.milestones.service import MilestoneService
from bot.pauses.service import PauseService
from bot.progress.service import ProgressService
from bot.reports.commands import commands
from bot.reports.jobs import weekly_report
from bot.reports.service import ReportService


def _build(shared: Shared, services: Services) -> ReportService:
    return ReportService(
        shared.db,
        shared.content,
        services.get(CommunityService),
        services.get(MemberService),
        services.get(CheckinService),
        services.get(PauseService),
        services.get(MilestoneService),
        services.get(ChallengeService),
        services.get(MatchService),
        services.get(ProgressService),
        services.get(HelperService),
    )


FEATURE = Feature(
    "reports",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (weekly_report(service),),
)
