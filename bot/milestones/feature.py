"""The milestones feature's declaration: ticking off the roadmap's milestones."""

from __future__ import annotations

from bot.commands import Autocomplete
from bot.feature import Exempt, Feature, Services, Shared
from bot.members.service import MemberService
from bot.milestones.commands import commands, suggester
from bot.milestones.personal import MilestoneData
from bot.milestones.service import MilestoneService
from bot.storage.tables import milestone_completions


def _build(shared: Shared, services: Services) -> MilestoneService:
    return MilestoneService(shared.db, shared.content, services.get(MemberService))


FEATURE = Feature(
    "milestones",
    _build,
    commands=lambda service, _: commands(service),
    suggesters=lambda service: {Autocomplete.MILESTONE: suggester(service)},
    tables=(milestone_completions,),
    member_data=lambda _: MilestoneData(),
    personal=(milestone_completions.c.member_id, milestone_completions.c.evidence),
    exempt=(
        Exempt(
            milestone_completions.c.milestone_id,
            "a milestone id from the community's content pack, checked against it before it "
            "is saved; the row goes with the member's ticks",
        ),
    ),
)
