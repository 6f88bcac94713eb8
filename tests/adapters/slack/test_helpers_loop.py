"""The helpers' loop on Slack, end to end against the fake: helpers opt in, a member checks in
with a blocker and picks what it is about in the check-in modal's menu, asks a helper from the
private offer, a group DM opens with both, the helper declines with its button, the member asks
the next one, and three days later says it helped, which credits that helper."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Drainer
from tests.adapters.slack.conftest import (
    ADA,
    BOB,
    CHANNEL,
    ORGANIZER,
    ServeSlack,
    SlackHarness,
    slack_settings,
)
from tests.adapters.slack.test_app import buttons, texts
from tests.fakes.slack_fake import FakeSlack
from tests.support import no_errors_logged

CY = "UCY"
BLOCKER = "rebase <!everyone> *loud* wrecked my git history"


@pytest.fixture
async def drainer(cohort: Cohort, fake: FakeSlack) -> AsyncIterator[Drainer]:
    async with aiohttp.ClientSession() as session:
        yield cohort.drainer(SlackSender(build_client(slack_settings(fake), session)))


def _text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(texts(blocks))


def _button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    found = [b for b in buttons(blocks) if b["text"]["text"] == label]
    assert found, f"no button {label} in {[b['text']['text'] for b in buttons(blocks)]}"
    return found[0]


def _last_view(fake: FakeSlack) -> dict[str, Any]:
    call = fake.calls_to("views.update")[-1]
    return {**call.params["view"], "id": call.params["view_id"]}


async def _say(slack: SlackHarness, line: str, user: str, name: str) -> str:
    """`/cohort <line>` as `user`; the text of the private answer."""
    assert await slack.command(line, user=user, respond_to=name) == 200
    return _text(slack.fake.responses(name)[-1].get("blocks", []))


async def _community(slack: SlackHarness) -> None:
    """The check-ins channel set; bob and cy finished git-daily and help; ada has joined."""
    slack.fake.add_user(CY, "Cy")
    await _say(slack, f"setup checkins:<#{CHANNEL}|general>", ORGANIZER, "setup")
    await _say(slack, "join timezone:Europe/Berlin", ADA, "ada-join")
    for user in (BOB, CY):
        await _say(slack, "join timezone:Europe/Paris", user, f"{user}-join")
        await _say(slack, "done git-daily", user, f"{user}-done")
        assert "You're a helper" in await _say(slack, "helper on", user, f"{user}-on")


async def _check_in_with_the_modal(slack: SlackHarness) -> dict[str, Any]:
    """ada opens the check-in modal, picks the blocker's subject in its menu and sends it."""
    await slack.command("checkin", user=ADA, respond_to="checkin")
    opened = slack.fake.calls_to("views.open")[-1]
    view = {**opened.params["view"], "id": "VCHECKIN"}
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [
        "done",
        "hours",
        "next",
        "blockers",
        "about",
        "milestones",
        "confidence",
    ]
    about = inputs["about"]
    assert about["optional"] is True
    assert about["element"]["type"] == "static_select"
    values = [o["value"] for o in about["element"]["options"]]
    assert "m:git-daily" in values
    assert values[-1] == "auto"
    typed = {"done": "two chapters", "hours": "3", "blockers": BLOCKER, "about": "m:git-daily"}
    status, ack = await slack.submit(view, typed, user=ADA)
    assert status == 200
    assert json.loads(ack)["response_action"] == "update"
    saved = _last_view(slack.fake)
    assert "Checked in for" in _text(saved["blocks"])
    return saved


async def test_the_helpers_loop_from_the_check_in_modal_to_a_credited_helper(
    serve_slack: ServeSlack,
    fake: FakeSlack,
    drainer: Drainer,
    cohort: Cohort,
    clock: ManualClock,
) -> None:
    slack = await serve_slack()
    with no_errors_logged():
        await _community(slack)
        saved = await _check_in_with_the_modal(slack)

        await slack.press(_button(saved["blocks"], "Find someone who's been there"), view=saved)
        offer = _last_view(fake)  # in the member's own modal: nobody else sees it
        assert "Linked to *Use Git and GitHub every day*" in _text(offer["blocks"])
        labels = [b["text"]["text"] for b in buttons(offer["blocks"])]
        assert not [label for label in labels if label.startswith("About ")]
        asks = sorted(label for label in labels if label.startswith("Ask "))
        assert asks == ["Ask Bob", "Ask Cy"]
        first_label = next(label for label in labels if label.startswith("Ask "))
        first, second = (BOB, CY) if first_label == "Ask Bob" else (CY, BOB)

        await slack.press(_button(offer["blocks"], first_label), view=offer)
        assert "private conversation" in _text(_last_view(fake)["blocks"])
        await drainer.drain()
        (opened,) = [c for c in fake.calls_to("conversations.open") if "," in c.params["users"]]
        assert set(opened.params["users"].split(",")) == {ADA, first}
        group = "G" + opened.params["users"].replace(",", "-")
        (intro,) = fake.messages[group]
        shown = _text(intro["blocks"])
        # The blocker escaped (no broadcast), the milestone and its resources, linked.
        assert "words: rebase &lt;!everyone&gt; " in shown
        assert "<!everyone>" not in shown + intro["text"]
        assert set(re.findall(r"<@(U[A-Z]+)>", shown)) == {ADA, first}
        assert "Done when: Your exercises live in a public repo" in shown
        assert "<https://docs.python.org/3/tutorial/|The Python Tutorial>" in shown

        # The helper can't: one button, the member is told, and the helper hears no more.
        decline = _button(intro["blocks"], "I can't help this time")
        await slack.press(decline, user=first, respond_to="declined")
        assert "Noted" in _text(fake.responses("declined")[-1].get("blocks", []))
        await drainer.drain()
        told = fake.messages[f"D{ADA}"][-1]
        assert "can't help with your blocker" in _text(told["blocks"])
        sent_before = {c: len(m) for c, m in fake.messages.items()}
        await slack.press(_button(told["blocks"], "Ask helper 2"), user=ADA, respond_to="again")
        await drainer.drain()
        users = [set(c.params["users"].split(",")) for c in fake.calls_to("conversations.open")]
        assert {ADA, second} in users

        # Three days later ada is asked whether it helped; yes credits the second helper.
        await cohort.scheduler.step_until(clock.set, clock.now() + timedelta(days=4), drainer.drain)
        follow_up = fake.messages[f"D{ADA}"][-1]
        assert "Did it help?" in _text(follow_up["blocks"])
        await slack.press(_button(follow_up["blocks"], "Yes, it helped"), respond_to="helped")
        assert "Glad it helped" in _text(fake.responses("helped")[-1].get("blocks", []))
        assert "1 for blockers helped" in await _say(slack, "profile", second, "profile-2")
        assert "0 for blockers helped" in await _say(slack, "profile", first, "profile-1")

    # After declining, the first helper was never messaged nor mentioned again.
    later = [m for c, sent in fake.messages.items() for m in sent[sent_before.get(c, 0) :]]
    assert len(later) >= 2
    assert not [m for m in later if first in json.dumps(m)]
