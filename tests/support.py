"""Helpers shared by tests: callers in a test community, the catalogue, replies as text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.commands import Catalogue
from bot.content.limits import fits
from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.markdown import plain
from bot.members.model import Member
from bot.outbox import Target, enqueue
from bot.replies import Answer, Form, Reply, Tone
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import outbox

COMMUNITY = CommunityRef(Platform.CONSOLE, "test")


def caller(
    user: str = "ada", *, admin: bool = False, community: CommunityRef = COMMUNITY
) -> Caller:
    return Caller(MemberRef(community, user), display_name=user, is_platform_admin=admin)


def catalogue() -> Catalogue:
    """The whole catalogue, built without a database or a clock that moves."""
    settings = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    return Cohort(settings, clock, Database.connect(settings.database_url)).catalogue


async def queue_message(
    cohort: Cohort, key: str, target: Target, reply: Reply, community: CommunityRef = COMMUNITY
) -> bool:
    """Queue one outbox message for `community` now, as a job would; False when the key was
    already queued."""
    found = await cohort.communities.resolve(community, cohort.clock.now())
    async with cohort.db.write() as conn:
        return await enqueue(
            conn,
            community=found,
            key=key,
            target=target,
            reply=reply,
            now=cohort.clock.now(),
        )


async def run(cohort: Cohort, line: str, user: str = "ada", *, admin: bool = False) -> Reply:
    """What `user` gets back for one command line (an admin of the platform when asked)."""
    return reply(await cohort.dispatcher.run_line(caller(user, admin=admin), line))


async def ok(cohort: Cohort, line: str, user: str = "ada", *, admin: bool = False) -> Reply:
    """As `run`, for a line that must succeed and whose answer fits every platform."""
    answer = await run(cohort, line, user, admin=admin)
    assert answer.tone is not Tone.ERROR, answer.body
    assert fits(answer) == [], line
    return answer


async def member_of(cohort: Cohort, user: str) -> Member:
    """The member `user` of the test community (who may have left)."""
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    found = await cohort.members.find(community.id, user)
    assert found is not None
    return found


async def table_rows(cohort: Cohort, table: sa.Table) -> list[dict[str, Any]]:
    """Every row of a table, as plain dicts."""
    async with cohort.db.read() as tx:
        return [dict(r) for r in (await tx.execute(sa.select(table))).mappings()]


def text_of(answer: Answer) -> str:
    """Everything a reply says, as plain text, for assertions about wording."""
    if isinstance(answer, Form):
        return " ".join([answer.title, answer.intro, *(f.label for f in answer.fields)])
    parts = [answer.title or "", answer.body, *answer.items]
    parts.extend(f"{f.name}: {f.value}" for f in answer.fields)
    return plain("\n".join(parts))


def reply(answer: Answer) -> Reply:
    assert isinstance(answer, Reply), f"expected a Reply, got {answer!r}"
    return answer


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_errors_logged() -> Iterator[list[logging.LogRecord]]:
    """Fail when anything logs an error inside the block: a handler that raised answers with
    an error id, which must not count as an answer."""
    kept = _Kept()
    root = logging.getLogger()
    root.addHandler(kept)
    try:
        yield kept.records
    finally:
        root.removeHandler(kept)
    logged = [f"{r.name}: {r.getMessage()}" for r in kept.records]
    assert logged == [], "errors were logged"


async def first_scheduled_post(cohort: Cohort, within: timedelta = timedelta(days=8)) -> str:
    """Let the scheduler run, occurrence by occurrence, until it queues a post; the post's
    key. Fails when nothing is queued `within` that time."""
    clock = cohort.clock
    assert isinstance(clock, ManualClock)
    until = clock.now() + within
    before = {r["key"] for r in await table_rows(cohort, outbox)}
    while clock.now() < until:
        due = await cohort.scheduler.next_due(clock.now(), until)
        if due is None:
            break
        clock.set(due)
        await cohort.scheduler.tick()
        if new := [r["key"] for r in await table_rows(cohort, outbox) if r["key"] not in before]:
            return str(new[0])
    raise AssertionError(f"no scheduled post was queued within {within}")


@asynccontextmanager
async def loop_turns() -> AsyncIterator[Callable[[], int]]:
    """How many turns a task waiting on the event loop got while the block ran (a function
    to call at the end): none means the block held the loop all along."""
    turns = 0

    async def take_turns() -> None:
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    taking = asyncio.ensure_future(take_turns())
    await asyncio.sleep(0)  # it waits for its first turn
    try:
        yield lambda: turns
    finally:
        taking.cancel()
