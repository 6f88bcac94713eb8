"""The organizers' helper figures at scale: a year of blockers routed to helpers (1,500 a week
among 10,000 members, three helpers offered each) and the time the weekly report spends on
its Helping section, `HelperService.counts` for the report's week and the week before.

Prints the p50 wall and CPU time of those reads over `--runs` samples. `--without-index`
drops the index by week first, to show what it saves. Asserts nothing.

    python -m bench.helper_figures [--weeks 52] [--per-week 1500] [--runs 21] [--without-index]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.helpers.model import Status
from bot.helpers.service import HelperService
from bot.storage import migrate
from bot.storage.database import Database
from bot.storage.tables import communities, help_offers, help_requests, members

MEMBERS = 10_000
HELPERS = 500
NEWEST = date(2026, 11, 30)  # the report's week
NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)


async def fill(db: Database, weeks: int, per_week: int, rng: random.Random) -> int:
    """The community, its members and `weeks` weeks of requests with their offers."""
    async with db.write() as tx:
        await tx.execute(
            sa.insert(communities).values(id=1, platform="console", external_id="b", created_at=NOW)
        )
        await tx.execute(
            sa.insert(members),
            [
                {
                    "id": i,
                    "community_id": 1,
                    "user_id": f"u{i}",
                    "display_name": f"member {i}",
                    "timezone": "UTC",
                    "start_date": date(2026, 1, 1),
                    "weekly_hours": 5,
                    "joined_at": NOW,
                }
                for i in range(1, MEMBERS + 1)
            ],
        )
        request_id = 0
        for back in range(weeks):
            week = NEWEST - timedelta(weeks=back)
            requests, offers = [], []
            for member in rng.sample(range(1, MEMBERS + 1), per_week):
                request_id += 1
                status = rng.choice(list(Status))
                requests.append(
                    {
                        "id": request_id,
                        "community_id": 1,
                        "member_id": member,
                        "week_start": week,
                        "text": "a blocker",
                        "subject": "m:git-daily",
                        "status": status.value,
                        "created_at": NOW,
                    }
                )
                if status is Status.UNANSWERED:
                    continue
                for rank, helper in enumerate(rng.sample(range(1, HELPERS + 1), 3), 1):
                    asked = rank == 1 and status is not Status.OFFERED
                    offers.append(
                        {
                            "request_id": request_id,
                            "helper_id": helper,
                            "rank": rank,
                            "asked_at": NOW if asked else None,
                        }
                    )
            await tx.execute(sa.insert(help_requests), requests)
            await tx.execute(sa.insert(help_offers), offers)
    return request_id


async def measure(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.connect(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await migrate.upgrade(db)
        total = await fill(db, options.weeks, options.per_week, random.Random(options.seed))
        if options.without_index:
            async with db.write() as tx:
                await tx.execute(sa.text("DROP INDEX ix_help_requests_week"))
        # `counts` reads the helpers' store and nothing of the service's own, so the service
        # is made without the features it is built on.
        service = HelperService.__new__(HelperService)
        wall: list[float] = []
        cpu: list[float] = []
        for _ in range(options.runs):
            started, used = time.perf_counter(), time.process_time()
            async with db.read() as tx:
                for week in (NEWEST, NEWEST - timedelta(weeks=1)):
                    await service.counts(tx, 1, week, week + timedelta(weeks=1))
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        await db.dispose()
    index = "without the index by week" if options.without_index else "with the index by week"
    print(
        f"the report's helper figures (two weeks) over {total:,} requests, {index}: "
        f"p50 {1000 * statistics.median(wall):.1f} ms wall, "
        f"{1000 * statistics.median(cpu):.1f} ms CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--per-week", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--without-index", action="store_true")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
