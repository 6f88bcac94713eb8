"""After `forget-me`, the raw bytes of the SQLite file (and its -wal and -shm) hold none of the
member's strings: their name, user id, words, links. Another member's data survives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests.feature import digests_feature, with_digests
from bot.features import FEATURES
from bot.identity import Caller, MemberRef
from bot.outbox import Target
from bot.replies import Reply, Tone
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import metadata
from tests.bot.stepping import step_until
from tests.fakes.feed_server import FeedServer, Post, loopback_fetcher, rss20
from tests.support import COMMUNITY, caller, queue_message, reply

ADA_ID = "U7ZQ31ADAX"
ADA = Caller(MemberRef(COMMUNITY, ADA_ID), display_name="Zebulon Quaxworth")
BOB = caller("bob")
ROOT = caller("root", admin=True)

# Everything of ada's that must not survive, each distinctive enough to find in raw bytes.
ADA_STRINGS = (
    ADA_ID,
    "Zebulon Quaxworth",
    "quokkaflux",  # check-in words
    "snarfblat",  # next steps
    "gribblewind",  # blockers
    "xylographic",  # goal
    "zanzibar-repo",  # submission link
    "mirthquake",  # submission note
    "velvetgrommet",  # review she wrote
    "fjordlantern",  # her profile focus
    "plinthmoss",  # what went well, in her retro
    "quibbleton",  # what she would change
    "murmelgoal",  # her retro's goal, shared in her class's summary
)
BOB_STRINGS = ("bobsledmarathon", "bob-own-repo")


@pytest.fixture
async def cohort(settings: Settings, clock: ManualClock, db: Database) -> Cohort:
    """A core whose feeds are fetched from the loopback feed server."""
    feature = digests_feature(fetcher=lambda shared: loopback_fetcher(shared.clock))
    core = Cohort(settings, clock, db, with_digests(FEATURES, feature))
    await core.start()
    return core


async def _as(cohort: Cohort, who: Caller, line: str) -> Reply:
    answer = reply(await cohort.dispatcher.run_line(who, line))
    assert answer.tone is not Tone.ERROR, (line, answer.body)
    return answer


async def _where(cohort: Cohort, strings: tuple[str, ...]) -> list[str]:
    """Which table.column of a live row still holds each string (to say what to fix)."""
    found = []
    async with cohort.db.read() as tx:
        for table in metadata.sorted_tables:
            for row in (await tx.execute(sa.select(table))).mappings():
                for column, value in row.items():
                    found.extend(
                        f"{s} in {table.name}.{column}" for s in strings if s in str(value)
                    )
    return sorted(set(found))


def _raw(database: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
        if path.exists()
    )


async def test_the_sqlite_file_holds_none_of_a_forgotten_members_strings(
    cohort: Cohort, clock: ManualClock, database_url: str
) -> None:
    if cohort.db.dialect != "sqlite":
        pytest.skip("reads the SQLite file's bytes")
    server = FeedServer()
    await server.start()
    try:
        server.serve("/ada-feed", rss20([Post("One", "https://a.org/1", "1")]))
        await _as(cohort, ROOT, "setup challenges:#ch checkins:#ci matchups:#mu digest:#dg")
        await _as(cohort, ROOT, f"setup organizer:@{ADA_ID}")
        await _as(cohort, ADA, "join timezone:UTC focus:fjordlantern")
        await _as(cohort, BOB, "join timezone:UTC")
        await _as(
            cohort, ADA, "checkin hours:3 done:quokkaflux next:snarfblat blockers:gribblewind"
        )
        await _as(cohort, BOB, "checkin hours:2 done:bobsledmarathon")
        await _as(cohort, BOB, "done git-daily")
        await _as(cohort, BOB, "helper on")
        await _as(cohort, ADA, "helper on")
        await _as(cohort, ADA, "helper find subject:m:git-daily")
        await _as(cohort, ADA, "helper ask 1 1")  # an intro quoting her blocker
        await _as(cohort, BOB, f"helper block @{ADA_ID}")
        await _as(cohort, ADA, 'goal add text:"xylographic parser"')
        await _as(cohort, ADA, "match join")
        await _as(cohort, BOB, "match join")
        await _as(cohort, ROOT, "challenge post-now")
        await _as(cohort, ADA, "challenge submit https://ada.example/zanzibar-repo note:mirthquake")
        await _as(cohort, BOB, "challenge submit https://bob.example/bob-own-repo")
        await _as(cohort, ADA, 'challenge review 2 score:4 comment:"velvetgrommet indeed"')
        await _as(cohort, BOB, "challenge review 1 score:5 comment:nice")
        await _as(cohort, ADA, "challenge kudos 2")
        await _as(cohort, BOB, "challenge kudos 1")
        await _as(cohort, ADA, "holiday add 2026-12-21")
        await _as(cohort, ADA, f"feeds add {server.url('/ada-feed')}")
        await _as(cohort, ADA, "digest focus rag")
        # Posts: some delivered (the challenge, its summary naming her work, matchups), some
        # still queued when she asks to be forgotten.
        await step_until(cohort, clock, clock.now() + timedelta(days=8))
        await _as(cohort, ADA, "profile set start:2026-08-01")  # a quarter ago: a retro
        await _as(cohort, ADA, "retro well:plinthmoss change:quibbleton goal:murmelgoal share:yes")
        await queue_message(
            cohort, "dm-ada", Target.direct(ADA_ID), Reply(body="Hi Zebulon Quaxworth")
        )
        await queue_message(
            cohort,
            "summary-pending",
            Target.channel("ch"),
            Reply(body="Zebulon Quaxworth: https://ada.example/zanzibar-repo mirthquake"),
        )
        code = (await _as(cohort, ADA, "forget-me")).actions[0].command
        await _as(cohort, ADA, code)
    finally:
        await server.stop()
    found = await _where(cohort, ADA_STRINGS)
    await cohort.db.dispose()
    database = Path(str(make_url(database_url).database))
    raw = _raw(database)
    left = [s for s in ADA_STRINGS if s.encode() in raw]
    assert left == [], f"still in the file; live rows holding them: {found}"
    assert [s for s in BOB_STRINGS if s.encode() not in raw] == []
