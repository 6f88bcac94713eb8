"""`serve` and `sync_commands`, the entry points `cohort run` and `cohort discord sync` use,
against the loopback fake."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from adapters.discord.app import invite_url, serve, shard_ids, sync_commands
from bot.app import Cohort
from bot.outbox import Target
from bot.replies import Reply
from bot.settings import Settings
from tests.adapters.discord.test_discord_sender import queue
from tests.fakes.discord_fake import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord

DOCS = Path(__file__).resolve().parents[3] / "docs" / "discord.md"


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_serve_answers_and_delivers_until_cancelled_and_never_logs_the_token(
    fake: FakeDiscord,
    cohort: Cohort,
    discord_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await queue(cohort, "welcome:1", Target.channel(str(CHANNEL_ID)), Reply(body="Welcome!"))
    task = asyncio.create_task(serve(cohort, discord_settings))
    await fake.wait_connected()

    asked = await fake.interact(fake.slash(["help"]))
    await fake.answers(asked)
    await fake.wait_for(lambda: len(fake.messages[CHANNEL_ID]) == 1, what="the outbox post")
    assert fake.calls_to("PUT", r"/applications/.*") == []  # no registration on start

    await stop(task)
    await fake.wait_for(lambda: fake.connections == 0, what="the gateway closed")
    assert TOKEN not in caplog.text


async def test_serve_runs_only_the_shards_it_is_given(
    fake: FakeDiscord, cohort: Cohort, discord_settings: Settings
) -> None:
    # The fake server lives on shard 1 of 2.
    settings = discord_settings.model_copy(
        update={"discord_shard_count": 2, "discord_shard_ids": "1"}
    )
    task = asyncio.create_task(serve(cohort, settings))
    await fake.wait_connected()
    assert [i["shard"] for i in fake.identifies] == [[1, 2]]

    asked = await fake.interact(fake.slash(["help"]))
    await fake.answers(asked)
    await stop(task)


async def test_sync_registers_the_catalogue_globally_or_in_one_server(
    fake: FakeDiscord, cohort: Cohort, discord_settings: Settings
) -> None:
    names = set(cohort.catalogue.names())

    summary = await sync_commands(cohort, discord_settings, None)
    assert summary.startswith(f"Registered {len(names)} slash commands globally")
    assert {c["name"] for c in fake.commands[None]} == names

    summary = await sync_commands(cohort, discord_settings, GUILD_ID)
    assert str(GUILD_ID) in summary
    assert {c["name"] for c in fake.commands[GUILD_ID]} == names
    assert fake.identifies == []  # registering needs no gateway connection


async def test_serve_and_sync_need_a_token(cohort: Cohort, settings: Settings) -> None:
    with pytest.raises(ValueError, match="DISCORD_TOKEN"):
        await serve(cohort, settings)
    with pytest.raises(ValueError, match="DISCORD_TOKEN"):
        await sync_commands(cohort, settings, None)


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [(None, None, None), (4, None, None), (4, "2, 0,2", [0, 2]), (1, "0", [0])],
)
def test_shard_ids_are_read_from_the_settings(
    settings: Settings, count: int | None, ids: str | None, expected: list[int] | None
) -> None:
    configured = settings.model_copy(
        update={"discord_shard_count": count, "discord_shard_ids": ids}
    )
    assert shard_ids(configured) == expected


@pytest.mark.parametrize(
    ("count", "ids", "problem"),
    [(None, "0", "needs DISCORD_SHARD_COUNT"), (2, "2", "between 0 and 1"), (2, "a", "numbers")],
)
def test_bad_shard_ids_are_explained(
    settings: Settings, count: int | None, ids: str, problem: str
) -> None:
    configured = settings.model_copy(
        update={"discord_shard_count": count, "discord_shard_ids": ids}
    )
    with pytest.raises(ValueError, match=problem):
        shard_ids(configured)


def test_the_documented_invite_asks_for_exactly_what_the_code_needs() -> None:
    documented = invite_url(1234).replace("client_id=1234", "client_id=APPLICATION_ID")
    assert documented in DOCS.read_text(encoding="utf-8")
