"""The matchups feature's declaration: weekly peer groups."""

from __future__ import annotations

from bot.checkins.service import CheckinService
from bot.feature import Exempt, Feature, Services, Shared
from bot.matchups.commands import commands
from bot.matchups.jobs import matchup_round
from bot.matchups.personal import MatchData
from bot.matchups.rounds import Rounds
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.milestones.service import MilestoneService
from bot.pauses.service import PauseService
from bot.storage.tables import (
    match_blocks,
    match_group_members,
    match_groups,
    match_members,
    match_rounds,
    match_settings,
)


def _build(shared: Shared, services: Services) -> MatchService:
    pauses = services.get(PauseService)
    rounds = Rounds(
        shared.content, pauses, services.get(CheckinService), services.get(MilestoneService)
    )
    return MatchService(shared.db, services.get(MemberService), pauses, rounds)


FEATURE = Feature(
    "matchups",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (matchup_round(service),),
    tables=(
        match_settings,
        match_members,
        match_blocks,
        match_rounds,
        match_groups,
        match_group_members,
    ),
    member_data=lambda _: MatchData(),
    personal=(
        match_members.c.member_id,
        match_members.c.interests,
        match_blocks.c.member_id,
        match_blocks.c.blocked_user_id,
        match_group_members.c.member_id,
    ),
    exempt=(
        Exempt(match_settings.c.cadence, "a community setting: weekly or biweekly"),
        Exempt(match_settings.c.mode, "a community setting: peers, mentor or mixed"),
        Exempt(match_settings.c.classes, "a community setting: within or across classes"),
        Exempt(match_members.c.status, "one of active, left or idle"),
        Exempt(match_rounds.c.week, "an ISO week like 2026-W49"),
        Exempt(match_rounds.c.mode, "the community's mode when the round was made"),
    ),
)
