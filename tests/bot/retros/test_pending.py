"""The retros sweep's check of where it has work: a community is looked at while one of its
members may be asked (their quarter ended within the window, on any clock, and they have no
retro of it yet) or a class's summary is undecided, and not otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.retros.service import RetroService
from tests.bot.retros.support import run_job
from tests.support import ok


async def _pending(cohort: Cohort, when: datetime) -> bool:
    service = cohort.services.get(RetroService)
    async with cohort.db.read() as tx:
        found = await service.pending(tx, when)
    return bool(found)


@pytest.mark.parametrize(
    ("start", "pending"),
    [
        ("2026-12-01", False),  # in the first quarter
        ("2026-09-01", True),  # quarter 1 ends on 1 Dec
        ("2026-06-02", True),  # quarter 2 ended on 1 Dec
        ("2026-08-20", True),  # quarter 1 ended 13 days ago (12 days on some clocks)
        ("2026-08-15", False),  # 18 days ago: too late
        ("2026-06-20", False),  # quarter 2 ends in 17 days
    ],
)
async def test_a_community_is_looked_at_only_while_a_members_quarter_ended_lately(
    cohort: Cohort, clock: ManualClock, start: str, pending: bool
) -> None:
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await ok(cohort, f"join timezone:UTC start:{start}")
    assert await _pending(cohort, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) is pending


async def test_a_member_asked_already_no_longer_makes_the_community_pending(
    cohort: Cohort, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await ok(cohort, "join timezone:UTC start:2026-09-01")
    when = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert await _pending(cohort, when)
    assert [m.key.split(":")[0] for m in await run_job(cohort, clock, when)] == ["retro"]
    # One retro recorded, its class's summary undecided: looked at until that is decided.
    assert await _pending(cohort, when)
    await run_job(cohort, clock, datetime(2027, 1, 1, 11, 0, tzinfo=UTC))
    assert not await _pending(cohort, datetime(2027, 1, 1, 12, 0, tzinfo=UTC))
