"""The helpers' loop on Discord, end to end against the fake: helpers opt in, a member checks
in with a blocker and picks what it is about in the check-in modal, asks a helper from the
private offer, the private thread opens, the helper declines with its button, the member asks
the next one, and three days later says it helped, which credits that helper."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from adapters.discord.sender import DiscordSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Drainer
from tests.adapters.discord.conftest import Start
from tests.fakes.discord_fake import (
    BOT_ID,
    CHANNEL,
    CHANNEL_ID,
    EPHEMERAL,
    LABEL,
    MANAGE_GUILD,
    MEMBER_ID,
    MESSAGE_RESPONSE,
    MODAL,
    OWNER_ID,
    STRING,
    STRING_SELECT,
    Call,
    FakeDiscord,
)
from tests.support import no_errors_logged

BOB = 1_100_000_000_000_000_006
CY = 1_100_000_000_000_000_007
ADA = {"user_id": MEMBER_ID, "name": "ada"}
BLOCKER = "rebase <@everyone> **loud** wrecked my git history"


def _bodies(calls: list[Call]) -> list[dict[str, Any]]:
    """The messages an interaction was answered with: the response, edits and follow-ups."""
    found = []
    for call in calls:
        if not call.path.endswith("/callback"):
            found.append(call.body)
        elif call.body["type"] == MESSAGE_RESPONSE:
            found.append(call.body["data"])
    return found


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    """label -> custom id of the buttons of a message."""
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components", [])
        for c in row.get("components", [])
        if c.get("type") == 2
    }


def _text(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def _slash(
    fake: FakeDiscord, path: Sequence[str], options: Sequence[dict[str, Any]] = (), **who: Any
) -> list[dict[str, Any]]:
    interaction = await fake.interact(fake.slash(path, options, **who))
    return _bodies(await fake.answers(interaction, count=1))


async def _press(
    fake: FakeDiscord, message: dict[str, Any], label: str, **who: Any
) -> dict[str, Any]:
    """Press a message's button; the message the press was answered with."""
    interaction = await fake.interact(fake.click(message, _buttons(message)[label], **who))
    return await _answer(fake, interaction)


async def _answer(fake: FakeDiscord, interaction: dict[str, Any]) -> dict[str, Any]:
    """The message an interaction was answered with, as Discord created it (a deferral is
    edited into the answer)."""
    await fake.answers(interaction)
    await fake.wait_for(
        lambda: bool(_text(fake.original(interaction)).strip()), what="the answer's text"
    )
    return fake.original(interaction)


def _string(name: str, value: str) -> dict[str, Any]:
    return {"type": STRING, "name": name, "value": value}


async def _community(fake: FakeDiscord) -> None:
    """The check-ins channel set; bob and cy finished git-daily and help; ada has joined."""
    channel = {"type": CHANNEL, "name": "checkins", "value": str(CHANNEL_ID)}
    resolved = {
        "channels": {
            str(CHANNEL_ID): {
                "id": str(CHANNEL_ID),
                "name": "general",
                "type": 0,
                "permissions": "0",
            }
        }
    }
    setup = fake.slash(["setup"], [channel], resolved=resolved, user_id=OWNER_ID, name="root")
    setup["member"]["permissions"] = str(MANAGE_GUILD)
    await fake.answers(await fake.interact(setup))
    await _slash(fake, ["join"], [_string("timezone", "Europe/Berlin")], **ADA)
    for helper, name in ((BOB, "bob"), (CY, "cy")):
        await _slash(
            fake, ["join"], [_string("timezone", "Europe/Paris")], user_id=helper, name=name
        )
        await _slash(fake, ["done"], [_string("milestone", "git-daily")], user_id=helper, name=name)
        [on] = await _slash(fake, ["helper", "on"], user_id=helper, name=name)
        assert "You're a helper" in _text(on)


async def _check_in_with_the_modal(fake: FakeDiscord) -> dict[str, Any]:
    """ada opens the check-in modal, picks the blocker's subject in it and sends it."""
    opened = await fake.interact(fake.slash(["checkin"], **ADA))
    [callback] = await fake.answers(opened)
    assert callback.body["type"] == MODAL
    modal = callback.body["data"]
    labels = {c["component"]["custom_id"]: c for c in modal["components"] if c["type"] == LABEL}
    assert list(labels) == ["done", "hours", "blockers", "about", "milestones"]
    about = labels["about"]["component"]
    assert about["type"] == STRING_SELECT
    assert about["required"] is False
    assert about["min_values"] == 0
    values = [o["value"] for o in about["options"]]
    assert "m:git-daily" in values
    assert values[-1] == "auto"
    sent = fake.fill(
        modal,
        {"done": "two chapters", "hours": "3", "blockers": BLOCKER, "about": ["m:git-daily"]},
        **ADA,
    )
    saved = await _answer(fake, await fake.interact(sent))
    assert "Checked in for" in _text(saved)
    return saved


async def test_the_helpers_loop_from_the_check_in_modal_to_a_credited_helper(
    fake: FakeDiscord, start: Start, cohort: Cohort, clock: ManualClock
) -> None:
    client = await start(cohort.dispatcher)
    drainer: Drainer = cohort.drainer(DiscordSender(client))
    with no_errors_logged():
        await _community(fake)
        saved = await _check_in_with_the_modal(fake)

        offer = await _press(fake, saved, "Find someone who's been there", **ADA)
        assert offer["flags"] & EPHEMERAL  # the offer is the member's alone
        assert "Linked to **Use Git and GitHub every day**" in _text(offer)
        assert not [b for b in _buttons(offer) if b.startswith("About ")]  # picked in the form
        asks = [label for label in _buttons(offer) if label.startswith("Ask ")]
        assert sorted(asks) == ["Ask Bob", "Ask Cy"]
        first, second = (BOB, CY) if asks[0] == "Ask Bob" else (CY, BOB)

        asked = await _press(fake, offer, asks[0], **ADA)
        assert "private conversation" in _text(asked)
        await drainer.drain()
        [(thread_id, thread)] = fake.threads.items()
        assert thread["type"] == 12  # a private thread of the check-ins channel
        assert thread["parent_id"] == str(CHANNEL_ID)
        assert fake.thread_members[thread_id] == {BOT_ID, MEMBER_ID, first}
        [intro] = fake.messages[thread_id]
        shown = _text(intro)
        # The blocker escaped: no mass mention, no bold; the milestone and its resources.
        assert "words: rebase \\<@\u200beveryone\\> \\*\\*loud\\*\\* wrecked" in shown
        assert not intro["mention_everyone"]
        assert "Done when: Your exercises live in a public repo" in shown
        assert "- [The Python Tutorial](https://docs.python.org/3/tutorial/)" in shown
        assert {int(u["id"]) for u in intro["mentions"]} == {MEMBER_ID, first}
        assert "I can't help this time" in _buttons(intro)

        # The helper can't: one button, the member is told, and the helper hears no more.
        declined = await _press(fake, intro, "I can't help this time", user_id=first, name="x")
        assert "Noted" in _text(declined)
        await drainer.drain()
        seen = {channel: len(sent) for channel, sent in fake.messages.items()}
        told = fake.messages[fake.dm_channels[MEMBER_ID]]
        assert "can't help with your blocker" in _text(told[-1])
        again = await _press(fake, told[-1], "Ask helper 2", **ADA)
        assert "private conversation" in _text(again)
        await drainer.drain()
        second_thread = next(t for t in fake.threads if t != thread_id)
        assert fake.thread_members[second_thread] == {BOT_ID, MEMBER_ID, second}

        # Three days later ada is asked whether it helped; yes credits the second helper.
        await cohort.scheduler.step_until(clock.set, clock.now() + timedelta(days=4), drainer.drain)
        follow_up = fake.messages[fake.dm_channels[MEMBER_ID]][-1]
        assert "Did it help?" in _text(follow_up)
        assert "wrecked my git history" in _text(follow_up)
        thanked = await _press(fake, follow_up, "Yes, it helped", **ADA)
        assert "Glad it helped" in _text(thanked)
        [profile] = await _slash(fake, ["profile", "show"], user_id=second, name="helper")
        assert "1 for blockers helped" in _text(profile)
        [other] = await _slash(fake, ["profile", "show"], user_id=first, name="helper")
        assert "0 for blockers helped" in _text(other)

    # After declining, the first helper was never mentioned nor messaged again.
    later = [m for c, sent in fake.messages.items() for m in sent[seen.get(c, 0) :]]
    assert len(later) >= 3  # the second thread, the follow-up...
    assert not [m for m in later if str(first) in json.dumps(m)]
