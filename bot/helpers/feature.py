"""The helpers feature's declaration: blockers routed to members who have been there, and
credits for helping that earn streak freezes."""

from __future__ import annotations

from bot.challenges.service import ChallengeService
from bot.checkins.service import CheckinService
from bot.feature import Exempt, Feature, Services, Shared
from bot.helpers.commands import commands
from bot.helpers.jobs import daily
from bot.helpers.personal import HelperData
from bot.helpers.service import HelperService
from bot.helpers.subjects import suggest
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.progress.service import ProgressService
from bot.storage.tables import help_offers, help_requests, helper_blocks, helpers


def _build(shared: Shared, services: Services) -> HelperService:
    members = services.get(MemberService)
    checkins = services.get(CheckinService)
    # The check-in form offers what a blocker is about, and routing reads the member's pick.
    checkins.suggest_subjects_with(suggest)
    service = HelperService(
        shared.db,
        shared.content,
        members,
        checkins,
        services.get(ChallengeService),
        services.get(MatchService),
    )
    members.add_profile_section(service.profile_fields)
    progress = services.get(ProgressService)
    progress.add_stats(service.stats_fields)
    progress.add_card_line(service.card_line)
    return service


FEATURE = Feature(
    "helpers",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (daily(service),),
    tables=(helpers, helper_blocks, help_requests, help_offers),
    member_data=lambda _: HelperData(),
    personal=(
        helpers.c.member_id,
        helper_blocks.c.member_id,
        helper_blocks.c.other_id,
        help_requests.c.member_id,
        help_requests.c.text,
        help_offers.c.helper_id,
    ),
    exempt=(
        Exempt(
            helpers.c.topics,
            "topic ids from the community's content pack, checked against it; the row goes "
            "with the member",
        ),
        Exempt(
            helpers.c.phases,
            "phase numbers of the content pack, checked against it; the row goes with the member",
        ),
        Exempt(
            help_requests.c.status,
            "one of a few fixed words (offered, asked, helped, ...); the row goes with the member",
        ),
        Exempt(
            help_requests.c.subject,
            "a milestone or topic id from the community's content pack, checked against it; "
            "the row goes with the member",
        ),
    ),
)
