"""The pauses feature's declaration: a member stepping away until a date."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.pauses.commands import commands
from bot.pauses.personal import PauseData
from bot.pauses.service import PauseService
from bot.storage.tables import pauses


def _build(shared: Shared, services: Services) -> PauseService:
    return PauseService(shared.db)


FEATURE = Feature(
    "pauses",
    _build,
    commands=lambda service, _: commands(service),
    tables=(pauses,),
    member_data=lambda _: PauseData(),
    personal=(pauses.c.member_id,),
)
