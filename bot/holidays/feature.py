"""The holidays feature's declaration: weeks that keep everyone's streak."""

from __future__ import annotations

from bot.feature import Feature, Services, Shared
from bot.holidays.commands import commands
from bot.holidays.personal import HolidayData
from bot.holidays.service import HolidayService
from bot.storage.tables import holiday_weeks


def _build(shared: Shared, services: Services) -> HolidayService:
    return HolidayService(shared.db)


FEATURE = Feature(
    "holidays",
    _build,
    commands=lambda service, _: commands(service),
    tables=(holiday_weeks,),
    member_data=lambda _: HolidayData(),
    personal=(holiday_weeks.c.declared_by,),
)
