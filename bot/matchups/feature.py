"""The matchups feature's declaration: weekly peer groups."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.matchups.commands import commands
from bot.matchups.jobs import matchup_round
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.storage.tables import (
    match_blocks,
    match_group_members,
    match_groups,
    match_members,
    match_rounds,
    match_settings,
)


def _build(shared: Shared, services: Services) -> MatchService:
    return MatchService(shared.db, shared.clock, shared.content, services.get(MemberService))


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
)
