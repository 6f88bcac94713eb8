"""Failover with two real `cohort run` processes on PostgreSQL against the loopback Discord
fake: they split the shards; when one is killed, the other takes its shard over and answers
its server's commands, once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator

import pytest

from bot.storage.database import Database
from tests.adapters.discord.conftest import TOKEN
from tests.adapters.process import REPO
from tests.adapters.slack.test_serve import free_port
from tests.fakes.discord_fake import FakeDiscord

LEASE_SECONDS = 4.0


def live_shards(fake: FakeDiscord) -> list[tuple[int, int]]:
    return sorted(c.shard for c in fake._connections)


@contextlib.asynccontextmanager
async def cohort_run(
    fake: FakeDiscord, database_url: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A `cohort run` process on Discord with shard leases; SIGTERM at the end unless dead."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "COHORT_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        COHORT_DATABASE_URL=database_url,
        COHORT_PARSE_WORKERS="0",
        COHORT_HTTP_PORT=str(free_port()),
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_SHARD_COUNT="2",
        DISCORD_SHARDS_PER_PROCESS="1",
        DISCORD_SHARD_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.main",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)


async def test_a_killed_process_s_shard_is_taken_over_and_answers_once(
    fake: FakeDiscord, db: Database, database_url: str
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("shard leases need PostgreSQL (set COHORT_TEST_POSTGRES_URL)")
    async with cohort_run(fake, database_url) as first:
        await fake.wait_for(lambda: live_shards(fake) == [(0, 2)], 30, "the first process")
        assert [i["shard"] for i in fake.identifies] == [[0, 2]]  # it did not take both
        async with cohort_run(fake, database_url) as second:
            await fake.wait_for(
                lambda: live_shards(fake) == [(0, 2), (1, 2)], 30, "the second process"
            )
            # One shard each: the live connections above are one per shard. (A process on a
            # loaded machine may connect its shard again, so IDENTIFYs are not counted.)
            assert {tuple(i["shard"]) for i in fake.identifies} == {(0, 2), (1, 2)}
            asked = await fake.interact(fake.slash(["help"]))  # the fake server: shard 1
            assert len(await fake.answers(asked)) == 1

            second.send_signal(signal.SIGKILL)  # no clean stop: its lease has to run out
            killed = time.monotonic()
            await fake.wait_for(lambda: live_shards(fake) == [(0, 2)], 10, "shard 1 gone")
            await fake.wait_for(
                lambda: live_shards(fake) == [(0, 2), (1, 2)], 30, "shard 1 taken over"
            )
            took_over = time.monotonic() - killed
        asked = await fake.interact(fake.slash(["help"]))
        assert len(await fake.answers(asked)) == 1
        assert first.returncode is None  # the survivor kept running throughout
    print(f"shard 1 taken over {took_over:.1f} s after its process was killed")
    assert not [i for i in fake.identifies if not i["token_ok"]]
