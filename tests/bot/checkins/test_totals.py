"""The kept totals (check-in count, hours, newest week, streak) always match what the check-in
rows, holidays and pauses say, whatever members and organizers do in between."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Cohort
from bot.checkins.service import CheckinService
from bot.checkins.streaks import Calendar, Streak, fold, settle
from bot.clock import ManualClock
from bot.pauses.model import Pause
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import checkin_weeks, checkins, holiday_weeks, members, pauses, streaks
from bot.weeks import open_week
from tests.conftest import START
from tests.support import caller, member_of, ok, run, table_rows

ZONES = {"ada": "UTC", "bob": "Pacific/Kiritimati", "cy": "America/New_York"}
users = st.sampled_from(sorted(ZONES))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("checkin"), users, st.integers(1, 12)),
        st.tuples(st.just("checkin"), users, st.integers(1, 12)),  # twice as likely
        st.tuples(st.just("advance"), st.sampled_from((6, 30, 80, 170, 340))),
        st.tuples(st.just("holiday add"), st.integers(0, 2)),
        st.tuples(st.just("holiday remove"), st.integers(0, 2)),
        st.tuples(st.just("pause"), users, st.integers(8, 40)),
        st.tuples(st.just("resume"), users),
        st.tuples(st.just("forget"), users),
        st.tuples(st.just("join"), users),
        st.tuples(st.just("leave"), users),
        st.tuples(st.just("leaderboard"), users),
    ),
    max_size=30,
)


async def _step(cohort: Cohort, clock: ManualClock, step: tuple[Any, ...]) -> None:
    kind = step[0]
    today = clock.now().date()
    if kind == "checkin":
        await run(cohort, f"checkin hours:{step[2]} done:x", step[1])
    elif kind == "advance":
        clock.advance(timedelta(hours=step[1]))
    elif kind.startswith("holiday"):
        await run(cohort, f"{kind} {today + timedelta(weeks=step[1])}", "org", admin=True)
    elif kind == "pause":
        await run(cohort, f"pause until:{today + timedelta(days=step[2])}", step[1])
    elif kind in ("resume", "leaderboard", "leave"):
        await run(cohort, kind, step[1])
    elif kind == "join":
        await run(cohort, f"join timezone:{ZONES[step[1]]}", step[1])
    else:
        preview = await run(cohort, "forget-me", step[1])
        if preview.actions:
            await run(cohort, preview.actions[0].command, step[1])


async def _expected(cohort: Cohort) -> dict[int, tuple[Streak, int, int, date]]:
    """Each member's totals judged from the rows alone: streak today, count, hours, newest."""
    now = cohort.clock.now()
    zone = {r["id"]: r["timezone"] for r in await table_rows(cohort, members)}
    holidays = frozenset(r["week_start"] for r in await table_rows(cohort, holiday_weeks))
    paused: defaultdict[int, list[Pause]] = defaultdict(list)
    for r in await table_rows(cohort, pauses):
        paused[r["member_id"]].append(Pause(r["starts_on"], r["ends_on"]))
    hours: defaultdict[int, dict[date, int]] = defaultdict(dict)
    for r in await table_rows(cohort, checkins):
        hours[r["member_id"]][r["week_start"]] = r["hours"]
    expected = {}
    for member_id, weeks in hours.items():
        end = max(open_week(now, zone[member_id]), *weeks)
        calendar = Calendar(holidays, tuple(paused[member_id]))
        streak = fold(weeks.keys(), calendar, end).streak
        expected[member_id] = (streak, len(weeks), sum(weeks.values()), max(weeks))
    return expected


async def _kept(cohort: Cohort) -> dict[int, tuple[Streak, int, int, date]]:
    """Each member's kept totals, the streak carried to today as every reader does."""
    now = cohort.clock.now()
    zone = {r["id"]: r["timezone"] for r in await table_rows(cohort, members)}
    holidays = frozenset(r["week_start"] for r in await table_rows(cohort, holiday_weeks))
    paused: defaultdict[int, list[Pause]] = defaultdict(list)
    for r in await table_rows(cohort, pauses):
        paused[r["member_id"]].append(Pause(r["starts_on"], r["ends_on"]))
    kept = {}
    for r in await table_rows(cohort, streaks):
        member_id = r["member_id"]
        streak = Streak(r["current_weeks"], r["best_weeks"], r["freezes"])
        calendar = Calendar(holidays, tuple(paused[member_id]))
        today = settle(streak, r["through_week"], open_week(now, zone[member_id]), calendar)
        kept[member_id] = (today, r["checkins"], r["hours"], r["last_week"])
    return kept


async def _weeks_agree(cohort: Cohort) -> None:
    """The kept per-week counts are the rows counted, and `per_week` leaves out who left."""
    kept = {
        r["week_start"]: r["checkins"]
        for r in await table_rows(cohort, checkin_weeks)
        if r["checkins"]
    }
    rows = await table_rows(cohort, checkins)
    assert kept == dict(Counter(r["week_start"] for r in rows))
    left = {r["id"] for r in await table_rows(cohort, members) if r["left_at"] is not None}
    active = Counter(r["week_start"] for r in rows if r["member_id"] not in left)
    community = await cohort.communities.resolve(caller("ada").member.community, START)
    async with cohort.db.read() as tx:
        counted = await cohort.services.get(CheckinService).per_week(tx, community.id, date.min)
    assert counted == dict(active)


async def _scenario(url: str, actions: list[tuple[Any, ...]]) -> None:
    clock = ManualClock(START)
    settings_ = Settings(database_url=url, parse_workers=0, _env_file=None)  # type: ignore[call-arg]
    cohort = Cohort(settings_, clock, Database.connect(url))
    await cohort.start()
    try:
        for user, zone in ZONES.items():
            await ok(cohort, f"join timezone:{zone}", user)
        for action in actions:
            await _step(cohort, clock, action)
            assert await _kept(cohort) == await _expected(cohort), action
            await _weeks_agree(cohort)
        # Settling (what the streak leaderboard does first) leaves the kept streak of every
        # active member right as it is.
        community = await cohort.communities.resolve(caller("ada").member.community, clock.now())
        await cohort.services.get(CheckinService).settle(community.id, clock.now())
        expected = await _expected(cohort)
        left = {r["id"] for r in await table_rows(cohort, members) if r["left_at"] is not None}
        for r in await table_rows(cohort, streaks):
            if r["member_id"] not in left:
                assert r["current_weeks"] == expected[r["member_id"]][0].current
    finally:
        await cohort.db.dispose()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=steps)
def test_kept_totals_match_the_rows_after_any_sequence_of_changes(
    sqlite_template: Path, actions: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cohort.db"
        shutil.copy(sqlite_template, path)
        asyncio.run(_scenario(f"sqlite+aiosqlite:///{path}", actions))


async def _spoil(cohort: Cohort, user: str, **values: object) -> None:
    """Kept totals that disagree with the rows, as only a hand edit could leave them."""
    member = await member_of(cohort, user)
    async with cohort.db.write() as tx:
        await tx.execute(
            streaks.update().where(streaks.c.member_id == member.id).values(hours=999, **values)
        )


async def _kept_hours(cohort: Cohort, user: str) -> int:
    member = await member_of(cohort, user)
    return next(
        r["hours"] for r in await table_rows(cohort, streaks) if r["member_id"] == member.id
    )


async def test_a_holiday_judges_again_the_totals_that_judged_its_week_without_a_check_in(
    cohort: Cohort, clock: ManualClock
) -> None:
    for user in ("ada", "bob"):
        await ok(cohort, "join timezone:UTC", user)
        await ok(cohort, "checkin hours:4 done:x", user)  # 2026-W48
    clock.advance(timedelta(days=7))  # W49 open
    await ok(cohort, "checkin hours:4 done:x", "bob")
    await _spoil(cohort, "ada", through_week=date(2026, 11, 30))  # as if W49 were judged
    await _spoil(cohort, "bob")  # bob's W49 is checked: a holiday changes nothing for him
    await ok(cohort, "holiday add 2026-12-02", "org", admin=True)
    assert await _kept_hours(cohort, "ada") == 4
    assert await _kept_hours(cohort, "bob") == 999
    await _spoil(cohort, "ada", through_week=date(2026, 11, 30))
    await ok(cohort, "holiday remove 2026-12-02", "org", admin=True)
    assert await _kept_hours(cohort, "ada") == 4


async def test_pausing_and_resuming_judge_the_members_totals_again(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:UTC", "ada")
    await ok(cohort, "checkin hours:4 done:x", "ada")
    await _spoil(cohort, "ada")
    await ok(cohort, "pause until:2026-12-20", "ada")
    assert await _kept_hours(cohort, "ada") == 4
    await _spoil(cohort, "ada")
    await ok(cohort, "resume", "ada")
    assert await _kept_hours(cohort, "ada") == 4


async def test_forget_me_removes_the_members_totals(cohort: Cohort) -> None:
    for user in ("ada", "bob"):
        await ok(cohort, "join timezone:UTC", user)
        await ok(cohort, "checkin hours:4 done:x", user)
    preview = await ok(cohort, "forget-me", "ada")
    await ok(cohort, preview.actions[0].command, "ada")
    bob = await member_of(cohort, "bob")
    assert [r["member_id"] for r in await table_rows(cohort, streaks)] == [bob.id]
