"""The members feature's declaration: joining, the profile and leaving."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.members.commands import commands
from bot.members.personal import MemberRows
from bot.members.service import MemberService
from bot.storage.tables import members


def _build(shared: Shared, services: Services) -> MemberService:
    return MemberService(shared.db)


FEATURE = Feature(
    "members",
    _build,
    commands=lambda service, _: commands(service),
    tables=(members,),
    member_data=lambda _: MemberRows(),
    personal=(members.c.user_id, members.c.display_name, members.c.timezone, members.c.focus),
)
