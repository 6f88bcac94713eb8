"""What the holidays feature holds about a member: the holiday weeks they declared as an
organizer, exported; forgetting them keeps the weeks but not their id."""

from __future__ import annotations

from bot.app import Cohort
from bot.feature import FORGOTTEN
from bot.holidays.personal import HolidayData
from bot.storage.tables import holiday_weeks
from tests.bot.personal import erase, export, holder, table_text, two_members
from tests.support import caller, text_of


async def test_export_lists_the_holiday_weeks_the_member_declared(cohort: Cohort) -> None:
    ada, _ = await two_members(cohort)
    exported = await export(cohort, holder(cohort, HolidayData), ada)
    assert [h["week_start"] for h in exported["holidays_declared"]] == ["2026-12-21"]
    assert exported["holidays_declared"][0]["declared_at"].startswith("2026-11-29T15:00")


async def test_erase_keeps_the_holiday_weeks_and_forgets_who_declared_them(
    cohort: Cohort,
) -> None:
    ada, _ = await two_members(cohort)
    await erase(cohort, holder(cohort, HolidayData), ada)
    async with cohort.db.read() as tx:
        rows = (await tx.execute(holiday_weeks.select().order_by("week_start"))).all()
    assert [(r.week_start.isoformat(), r.declared_by) for r in rows] == [
        ("2026-12-21", FORGOTTEN),
        ("2026-12-28", "bob"),
    ]
    assert "ada" not in await table_text(cohort, holiday_weeks)
    listed = await cohort.dispatcher.run_line(caller("bob", admin=True), "holiday list")
    assert "2026-W52" in text_of(listed)  # the community keeps its holiday
