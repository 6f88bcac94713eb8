"""The guided setup on Discord, end to end against the fake: the server adds Cohort, the
welcome arrives through the outbox with its pickers, and an admin finishes it in one click."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from adapters.discord.sender import DiscordSender
from bot.app import Cohort
from bot.communities.model import Purpose
from bot.identity import CommunityRef, Platform
from bot.storage.tables import outbox
from tests.adapters.discord.conftest import Start
from tests.fakes.discord_fake import (
    CHANNEL_ID,
    CHANNEL_SELECT,
    GUILD_ID,
    MANAGE_GUILD,
    STRING_SELECT,
    FakeDiscord,
)
from tests.support import first_scheduled_post, no_errors_logged, table_rows

SERVER = CommunityRef(Platform.DISCORD, str(GUILD_ID))
REPORTS = 1_100_000_000_000_000_042


async def _joined(fake: FakeDiscord, start: Start, cohort: Cohort) -> list[dict[str, Any]]:
    """Start outside the server, be added to it, deliver the welcome; its messages."""
    fake.in_guild = False
    drainer = cohort.drainer(DiscordSender(await start(cohort.dispatcher)))
    delivering = asyncio.create_task(drainer.run())
    try:
        await fake.join()
        await fake.wait_for(lambda: len(fake.messages[CHANNEL_ID]) >= 2, what="the welcome")
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
    return fake.messages[CHANNEL_ID]


def _components(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for m in messages for row in m["components"] for c in row["components"]]


async def _click(fake: FakeDiscord, messages: list[dict[str, Any]], label: str) -> None:
    """An admin presses the button labelled `label` and sees the answer."""
    for message in messages:
        for component in _components([message]):
            if component.get("label") == label:
                clicked = fake.click(message, component["custom_id"], permissions=MANAGE_GUILD)
                await fake.answers(await fake.interact(clicked))
                return
    raise AssertionError(f"no button {label}")


async def test_joining_a_server_posts_the_guided_setup_with_native_pickers(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    with no_errors_logged():
        messages = await _joined(fake, start, cohort)
    components = _components(messages)
    kinds = {c["custom_id"]: c["type"] for c in components if "custom_id" in c}
    assert kinds["cohort:pick:setup all"] == CHANNEL_SELECT
    assert kinds["cohort:pick:setup reports"] == CHANNEL_SELECT
    assert kinds["cohort:pick:setup posts"] == STRING_SELECT
    assert all(len(m["components"]) <= 5 for m in messages)  # Discord's rows per message
    assert "Use the defaults" in [c.get("label") for c in components]


async def test_a_channel_picked_in_the_welcome_is_saved(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    messages = await _joined(fake, start, cohort)
    holder = next(m for m in messages if "cohort:pick:setup reports" in str(m["components"]))
    with no_errors_logged():
        chosen = fake.choose(
            holder, "cohort:pick:setup reports", [str(REPORTS)], permissions=MANAGE_GUILD
        )
        await fake.answers(await fake.interact(chosen))
    community = await cohort.communities.resolve(SERVER, cohort.clock.now())
    assert community.channels[Purpose.REPORTS] == str(REPORTS)
    member = fake.choose(holder, "cohort:pick:setup all", [str(REPORTS)])
    (answer,) = await fake.answers(await fake.interact(member))
    assert "Only organizers" in str(answer.body)


async def test_from_joining_to_the_first_scheduled_post_takes_one_interaction(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    messages = await _joined(fake, start, cohort)
    interactions = 0
    await _click(fake, messages, "Use the defaults")
    interactions += 1
    community = await cohort.communities.resolve(SERVER, cohort.clock.now())
    assert community.channels[Purpose.CHALLENGES] == str(CHANNEL_ID)
    assert Purpose.REPORTS not in community.channels
    assert (await first_scheduled_post(cohort)).startswith("checkin-prompt:")
    assert interactions <= 3


async def test_the_welcome_goes_out_once_however_often_the_server_is_joined(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    await _joined(fake, start, cohort)
    await fake.join()
    await asyncio.sleep(0.2)
    assert len(await table_rows(cohort, outbox)) == 1
