"""Accountability at scale: a community of 10,000 members with a year of weekly check-ins.

Prints the in-process latency (p50, p99, and the p50 of the process's CPU time, which a busy
machine disturbs less) of `checkin` run through the dispatcher as a member would, of `progress`
(its text and its PNG card measured separately), of every leaderboard (each board over each
period), the organizer stats, the weekly organizer report (its figures, without the chart) and
the hourly reminders job's decision (in a quiet hour and on a Sunday evening, when most members
are in their reminder window), and the ratio of one check-in's cost to a single raw INSERT plus
COMMIT on the same database in the same run. Asserts nothing.

    .venv/bin/python -m bench.accountability              # 10,000 members, about 520,000 rows
    .venv/bin/python -m bench.accountability --members 500
    .venv/bin/python -m bench.accountability --database postgresql+asyncpg://...
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.app import Cohort
from bot.checkins.service import CheckinService
from bot.checkins.streaks import Calendar, fold
from bot.clock import ManualClock
from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.leaderboards.model import Board, Period
from bot.leaderboards.service import LeaderboardService
from bot.nudges.service import NudgeService
from bot.progress import card, messages
from bot.progress.service import ProgressService
from bot.reports.service import ReportService
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import checkin_weeks, checkins, members, streaks
from bot.weeks import WEEK, open_week

COMMUNITY = CommunityRef(Platform.CONSOLE, "bench")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday: week 2026-W49 in every zone
SUNDAY_EVENING = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)  # reminders due in Europe, Asia, ...
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "UTC",
    "Asia/Tokyo",
)
CHUNK = 5000
RAW = sa.Table(
    "bench_raw",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("v", sa.Integer),
)
"""A scratch table for the baseline: one row, one INSERT, one COMMIT."""


def caller(user: str, admin: bool = False) -> Caller:
    return Caller(MemberRef(COMMUNITY, user), display_name=user, is_platform_admin=admin)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


CPU: dict[int, list[float]] = {}
"""The CPU time of each list of wall-clock samples `timed` returned, by the list's id."""


async def timed(runs: int, action: Callable[[int], Awaitable[object]]) -> list[float]:
    samples, cpu = [], []
    for index in range(runs):
        started, began = time.perf_counter(), time.process_time()
        await action(index)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - began)
    CPU[id(samples)] = cpu
    return samples


async def populate(cohort: Cohort, count: int, weeks: int, seed: int) -> None:
    """`count` members, each checking in most of the `weeks` weeks before this one, with
    their kept totals as check-ins would have left them."""
    rng = random.Random(seed)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    current = open_week(NOW, "UTC")
    first = current - weeks * WEEK
    joined = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    member_rows = [
        {
            "community_id": community.id,
            "user_id": f"u{i}",
            "display_name": f"member {i}",
            "timezone": ZONES[i % len(ZONES)],
            "start_date": first,
            "weekly_hours": 6,
            "focus": "",
            "public": i % 10 != 0,
            "joined_at": joined,
        }
        for i in range(count)
    ]
    async with cohort.db.write() as conn:
        for start in range(0, count, CHUNK):
            await conn.execute(members.insert(), member_rows[start : start + CHUNK])
        ids = [r.id for r in await conn.execute(sa.select(members.c.id).order_by(members.c.id))]
    checkin_rows: list[dict[str, object]] = []
    streak_rows: list[dict[str, object]] = []
    for member_id in ids:
        done: set[date] = {first + n * WEEK for n in range(weeks) if rng.random() < 0.98 or n == 0}
        hours = 0
        for week in sorted(done):
            moment = datetime.combine(week, datetime.min.time(), tzinfo=UTC) + timedelta(days=6)
            checkin_rows.append(
                {
                    "member_id": member_id,
                    "week_start": week,
                    "done": "Worked through the week's milestone and wrote notes.",
                    "hours": (spent := rng.randint(2, 12)),
                    "next_steps": "Keep going.",
                    "blockers": "",
                    "milestone_ids": "",
                    "confidence": rng.randint(2, 5),
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            hours += spent
        newest = max(done)
        streak = fold(done, Calendar(), newest).streak
        streak_rows.append(
            {
                "member_id": member_id,
                "through_week": newest,
                "current_weeks": streak.current,
                "best_weeks": streak.best,
                "freezes": streak.freezes,
                "checkins": len(done),
                "hours": hours,
                "last_week": newest,
            }
        )
    async with cohort.db.write() as conn:
        for start in range(0, len(checkin_rows), CHUNK):
            await conn.execute(checkins.insert(), checkin_rows[start : start + CHUNK])
        for start in range(0, len(streak_rows), CHUNK):
            await conn.execute(streaks.insert(), streak_rows[start : start + CHUNK])
        per_week = Counter(row["week_start"] for row in checkin_rows)
        await conn.execute(
            checkin_weeks.insert(),
            [
                {"community_id": community.id, "week_start": week, "checkins": count}
                for week, count in per_week.items()
            ],
        )
        await conn.run_sync(RAW.create)
    print(f"populated {count:,} members and {len(checkin_rows):,} check-ins")


async def bench(
    url: str, count: int, weeks: int, runs: int, card_runs: int, board_runs: int, freeze_gc: bool
) -> None:
    settings = Settings(database_url=url, _env_file=None)
    clock = ManualClock(NOW)
    cohort = Cohort(settings, clock, Database.connect(url))
    await cohort.start()
    started = time.perf_counter()
    await populate(cohort, count, weeks, seed=7)
    print(f"setup took {time.perf_counter() - started:.1f} s on {cohort.db.dialect}")
    if freeze_gc:
        gc.freeze()  # as `cohort run` does once started: old objects stay put
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    users = random.Random(11).sample(range(count), min(count, 2 * runs + 20))

    async def raw_insert(index: int) -> None:
        async with cohort.db.write() as conn:
            await conn.execute(RAW.insert().values(v=index))

    async def checkin(index: int) -> None:
        line = f'checkin hours:5 done:"benchmarking week {index}" confidence:4'
        await cohort.dispatcher.run_line(caller(f"u{users[index]}"), line)

    checkins_service = cohort.services.get(CheckinService)
    progress = ProgressService(cohort.db, cohort.content, cohort.members, checkins_service)

    async def progress_text(index: int) -> object:
        result = await progress.progress(community, f"u{users[index]}", False, None, clock.now())
        return messages.progress(result, b"")

    leaderboards = LeaderboardService(cohort.db, cohort.members, checkins_service)

    def leaderboard(board: Board, period: Period) -> Callable[[int], Awaitable[object]]:
        async def run(index: int) -> object:
            return await leaderboards.leaderboard(community, "u1", board, period, clock.now())

        return run

    nudges = cohort.services.get(NudgeService)

    def reminders(moment: datetime) -> Callable[[int], Awaitable[object]]:
        async def run(index: int) -> object:
            async with cohort.db.read() as tx:
                candidates = await nudges.reminder_candidates(tx, [community.id], moment)
                return await nudges.reminders_for(tx, candidates, moment)

        return run

    # Warm up caches, compiled statements and the matplotlib import.
    await timed(20, raw_insert)
    await timed(1, lambda i: checkin(len(users) - 1 - i))
    warm = await progress.progress(community, "u0", False, None, clock.now())
    card.progress_card(warm)

    raw = await timed(runs, raw_insert)
    checkin_times = await timed(runs, checkin)
    text_times = await timed(runs, progress_text)
    results = [
        await progress.progress(community, f"u{users[i]}", False, None, clock.now())
        for i in range(card_runs)
    ]

    async def draw(index: int) -> object:
        return card.progress_card(results[index])

    card_times = await timed(card_runs, draw)
    boards = [
        (f"leaderboard {board}, {period}", await timed(board_runs, leaderboard(board, period)))
        for board in Board
        for period in Period
    ]
    stats_times = await timed(board_runs, lambda i: progress.stats(community, clock.now()))
    reports = cohort.services.get(ReportService)
    report_times = await timed(board_runs, lambda i: reports.preview(community, clock.now()))
    quiet = await timed(5, reminders(NOW))
    sunday = await timed(5, reminders(SUNDAY_EVENING))
    await cohort.close()

    rows = [
        ("raw INSERT + COMMIT", raw),
        ("checkin (dispatcher)", checkin_times),
        ("progress text", text_times),
        ("progress card (PNG)", card_times),
        *boards,
        ("stats", stats_times),
        ("report (built, not drawn)", report_times),
        ("reminders, a quiet hour", quiet),
        ("reminders, Sunday 19:00 UTC", sunday),
    ]
    print(f"\n{'':30} {'p50 ms':>9} {'p99 ms':>9} {'cpu p50':>9} {'runs':>6}")
    for name, samples in rows:
        p50, p99 = percentiles(samples)
        cpu = statistics.median(CPU[id(samples)]) * 1000 if id(samples) in CPU else float("nan")
        print(f"{name:30} {p50:9.2f} {p99:9.2f} {cpu:9.2f} {len(samples):6}")
    ratio = statistics.median(checkin_times) / statistics.median(raw)
    print(f"\none check-in costs {ratio:.1f}x a raw INSERT + COMMIT (p50 over p50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=300, help="samples per command")
    parser.add_argument("--card-runs", type=int, default=100, help="progress cards to draw")
    parser.add_argument("--board-runs", type=int, default=21, help="samples per board and stats")
    parser.add_argument("--database", help="a database URL; default: a temporary SQLite file")
    parser.add_argument(
        "--no-freeze-gc",
        dest="freeze_gc",
        action="store_false",
        help="skip the gc.freeze() that `cohort run` does after start-up",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(
            bench(
                url,
                args.members,
                args.weeks,
                args.runs,
                args.card_runs,
                args.board_runs,
                args.freeze_gc,
            )
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
