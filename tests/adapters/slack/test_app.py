"""The Bolt app end to end: signed requests in over HTTP, Web API calls out to a fake Slack."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from adapters.slack import render, views
from bot.app import Cohort
from tests.adapters.slack.conftest import (
    ADA,
    BOB,
    CHANNEL,
    NOTE_FORM_TITLE,
    ORGANIZER,
    PNG,
    SECRET,
    TOKEN,
    ServeSlack,
    SlackHarness,
    extended,
    home_opened,
    sign,
)
from tests.fakes.slack_fake import FakeSlack
from tests.support import no_errors_logged


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text object in some blocks, mrkdwn and plain_text alike."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """What Slack parses for markup in a message: the mrkdwn objects and the fallback text."""
    found: list[str] = [message["text"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_every_command_in_the_catalogue_answers_through_slash_cohort(
    cohort: Cohort, slack: SlackHarness, fake: FakeSlack
) -> None:
    leaves = list(cohort.catalogue.leaves())
    assert leaves
    with no_errors_logged():  # a handler that raised answers with an error id: not an answer
        for n, (path, _) in enumerate(leaves):
            opened_before = len(fake.calls_to("views.open"))
            assert await slack.command(" ".join(path), user=ORGANIZER, respond_to=f"p{n}") == 200
            answers = fake.responses(f"p{n}")
            opened = fake.calls_to("views.open")[opened_before:]
            assert len(answers) + len(opened) == 1, f"/cohort {' '.join(path)} answered {answers}"
            shown = json.dumps(answers[0] if answers else opened[0].params["view"])
            assert "There is no command" not in shown, path
            assert "error id" not in shown, path


async def test_help_answers_in_block_kit_with_a_plain_text_fallback(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    assert await slack.command("help", respond_to="help") == 200
    (answer,) = fake.responses("help")
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Cohort commands", "emoji": True},
    }
    assert "`profile`" in answer["blocks"][1]["text"]["text"]
    assert answer["text"].startswith("Cohort commands")
    # Web API calls carry the bot token; the caller was looked up with it.
    assert {c.token for c in fake.calls_to("users.info")} == {TOKEN}


async def test_a_form_opens_as_a_modal_and_its_submission_runs_the_command(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    notes: list[str] = []
    slack = await serve_slack(extended(cohort, notes))

    assert await slack.command("note mood:calm", respond_to="note") == 200
    (opened,) = fake.calls_to("views.open")
    assert opened.params["trigger_id"] == "trigger-1"
    view = {**opened.params["view"], "id": "VNOTE"}
    assert view["title"]["text"] == NOTE_FORM_TITLE
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["text", "mood"]
    assert view["blocks"][2]["element"]["initial_value"] == "calm"

    status, ack = await slack.submit(view, {"text": "Read the attention paper", "mood": "calm"})
    assert status == 200
    assert json.loads(ack)["response_action"] == "update"  # the modal stays while we work
    assert notes == ["Read the attention paper"]
    (updated,) = fake.calls_to("views.update")
    assert updated.params["view_id"] == "VNOTE"
    assert "Ada wrote: Read the attention paper" in texts(updated.params["view"]["blocks"])[1]
    # The reply is public, so the channel the command came from sees it too.
    (public,) = fake.responses("note")
    assert public["response_type"] == "in_channel"


async def test_a_refused_submission_comes_back_into_the_form_with_what_was_typed(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    notes: list[str] = []
    slack = await serve_slack(extended(cohort, notes))
    await slack.command("note", respond_to="note")
    view = {**fake.calls_to("views.open")[0].params["view"], "id": "VNOTE"}

    await slack.submit(view, {"text": "ok", "mood": "tired"})

    assert notes == []
    refused = fake.calls_to("views.update")[0].params["view"]
    assert refused["blocks"][0]["block_id"] == views.ERROR_BLOCK
    assert "Write at least five characters." in refused["blocks"][0]["text"]["text"]
    inputs = {b["block_id"]: b["element"] for b in refused["blocks"] if b["type"] == "input"}
    assert inputs["text"]["initial_value"] == "ok"
    assert inputs["mood"]["initial_value"] == "tired"
    assert refused["callback_id"] == views.FORM_CALLBACK
    assert fake.responses("note") == []


async def test_a_button_runs_the_command_line_it_carries(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    slack = await serve_slack(extended(cohort, []))
    await slack.command("join timezone:Europe/Berlin", respond_to="join")
    await slack.command('note text:"Shipped a RAG demo"', respond_to="note")
    (noted,) = fake.responses("note")
    (button,) = buttons(noted["blocks"])
    assert button["action_id"].startswith(render.ACTION_PREFIX)
    assert button["value"] == "profile show"

    status, _ = await slack.press(button, respond_to="pressed")

    assert status == 200
    (answer,) = fake.responses("pressed")
    assert answer["replace_original"] is False
    assert any("Profile of Ada" in t for t in texts(answer["blocks"]))


async def test_the_app_home_shows_progress_and_quick_actions(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.command("join timezone:Europe/Berlin hours:6", respond_to="join")

    assert await slack.event(home_opened(ADA), event_id="Ev1") == 200

    (published,) = fake.calls_to("views.publish")
    assert published.params["user_id"] == ADA
    home = published.params["view"]
    assert home["type"] == "home"
    shown = texts(home["blocks"])
    assert any("Streak" in t for t in shown)  # progress first
    assert not any(":frame_with_picture:" in t for t in shown)  # no card drawn for the Home
    assert "Profile of Ada" in shown
    assert any("*Journey*" in t for t in shown)
    assert any("*Weekly target*\n6 h" in t for t in shown)
    quick = {b["value"] for b in buttons(home["blocks"])}
    assert {"profile", "help"} <= quick


async def test_a_button_on_the_app_home_answers_in_a_modal_and_refreshes_the_home(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.event(home_opened(ADA), event_id="Ev1")
    home = {**fake.calls_to("views.publish")[0].params["view"], "id": "VHOME"}
    help_button = next(b for b in buttons(home["blocks"]) if b["value"] == "help")

    await slack.press(help_button, view=home)

    (opened,) = fake.calls_to("views.open")
    assert opened.params["view"]["type"] == "modal"
    assert "Cohort commands" in texts(opened.params["view"]["blocks"])
    assert len(fake.calls_to("views.publish")) == 2


async def test_a_repeated_event_delivery_is_handled_once(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    assert await slack.event(home_opened(ADA), event_id="EvSame") == 200
    assert await slack.event(home_opened(ADA), event_id="EvSame", retry=1) == 200
    assert await slack.event(home_opened(ADA), event_id="EvSame", retry=2) == 200
    assert await slack.event(home_opened(BOB), event_id="EvOther") == 200

    published = [c.params["user_id"] for c in fake.calls_to("views.publish")]
    assert published == [ADA, BOB]


async def test_requests_that_slack_did_not_sign_just_now_get_401(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    body = slack.command_body("help", respond_to="forged")
    now = int(time.time())

    bad_signature = await slack.send(
        body, timestamp=now, signature=sign(body, now, "another-secret")
    )
    stale = await slack.send(body, timestamp=now - 301, signature=sign(body, now - 301))
    not_a_time = await slack.send(body, timestamp=now, headers={"X-Slack-Request-Timestamp": "x"})
    await slack.settle()

    assert [bad_signature[0], stale[0], not_a_time[0]] == [401, 401, 401]
    assert fake.calls == []
    # The same body, signed with the right secret just now, is accepted.
    assert (await slack.send(body, timestamp=now, signature=sign(body, now, SECRET)))[0] == 200


async def test_mentions_typed_by_a_user_come_back_inert(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    # What Slack sends when someone types a literal <!channel>, uses @here, and mentions Bob.
    typed = "&lt;!channel&gt; <!here> <@UBOB|bob> R&amp;D"
    await slack.command(f'join timezone:Europe/Berlin focus:"{typed}"', respond_to="join")

    (answer,) = fake.responses("join")
    focus = next(t for t in mrkdwn_texts(answer) if t.startswith("*Focus*"))
    assert focus == "*Focus*\n&lt;!channel&gt; &lt;!here&gt; &lt;@UBOB|bob&gt; R&amp;D"
    for text in mrkdwn_texts(answer):
        assert "<!" not in text
        assert "<@" not in text


async def test_organizer_commands_follow_workspace_roles_and_named_organizers(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.command("setup", user=BOB, respond_to="bob-before")
    await slack.command(f"setup organizer:<@{BOB}|bob>", user=ORGANIZER, respond_to="admin")
    await slack.command("setup timezone:Europe/Paris", user=BOB, respond_to="bob-after")

    (refused,) = fake.responses("bob-before")
    assert "Only organizers" in refused["text"]
    (named,) = fake.responses("admin")
    assert f"<@{BOB}> is now an organizer" in named["text"]
    (allowed,) = fake.responses("bob-after")
    assert "Only organizers" not in allowed["text"]
    assert "Europe/Paris" in allowed["text"]


async def test_a_reply_with_a_card_uploads_the_png(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    slack = await serve_slack(extended(cohort, []))

    await slack.command("card", respond_to="card")

    (opened,) = fake.calls_to("conversations.open")
    assert opened.params["users"] == ADA  # a private reply's picture goes to a DM
    (url,) = fake.calls_to("files.getUploadURLExternal")
    (upload,) = fake.calls_to("upload")
    assert fake.uploads[upload.params["file_id"]] == PNG
    (completed,) = fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == f"D{ADA}"
    (answer,) = fake.responses("card")
    assert any("Ada's progress card" in t for t in texts(answer["blocks"]))
    assert url.params["alt_txt"] == "Ada's progress card"


async def test_a_data_export_is_uploaded_as_a_json_file_to_the_member_only(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    slack = await serve_slack()
    await slack.command("join timezone:Europe/Berlin", respond_to="join")

    await slack.command("export", respond_to="export")

    (opened,) = fake.calls_to("conversations.open")
    assert opened.params["users"] == ADA
    (upload,) = fake.calls_to("upload")
    exported = json.loads(fake.uploads[upload.params["file_id"]])
    assert exported["features"]["members"]["profile"][0]["timezone"] == "Europe/Berlin"
    (completed,) = fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == f"D{ADA}"


async def test_a_public_reply_in_a_channel_is_answered_in_the_channel(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    slack = await serve_slack(extended(cohort, []))

    await slack.command('note text:"A public note"', respond_to="note", channel=CHANNEL)

    (answer,) = fake.responses("note")
    assert answer["response_type"] == "in_channel"


async def test_a_form_that_cannot_open_in_time_is_offered_behind_a_button(
    cohort: Cohort, serve_slack: ServeSlack, fake: FakeSlack
) -> None:
    slack = await serve_slack(extended(cohort, []))
    fake.fail("views.open", status=200, error="expired_trigger_id")

    await slack.command("note mood:calm", respond_to="note")

    (offer,) = fake.responses("note")
    (button,) = buttons(offer["blocks"])
    assert button["value"] == "note mood:calm"
    await slack.press(button, respond_to="pressed")
    (_, opened) = fake.calls_to("views.open")  # a fresh trigger, so the modal opens
    assert opened.params["view"]["title"]["text"] == NOTE_FORM_TITLE


async def test_an_answer_from_the_app_home_goes_to_a_direct_message_when_no_modal_opens(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.event(home_opened(ADA), event_id="Ev1")
    home = {**fake.calls_to("views.publish")[0].params["view"], "id": "VHOME"}
    help_button = next(b for b in buttons(home["blocks"]) if b["value"] == "help")
    fake.fail("views.open", status=200, error="expired_trigger_id")

    await slack.press(help_button, view=home)

    (posted,) = fake.calls_to("chat.postMessage")
    assert posted.params["channel"] == f"D{ADA}"
    assert posted.params["text"].startswith("Cohort commands")


async def test_tokens_and_the_signing_secret_stay_out_of_the_logs(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = slack.command_body("help", respond_to="help")

    await slack.send(body, signature=sign(body, int(time.time()), "another-secret"))
    await slack.command("help", respond_to="help")
    await slack.event(home_opened(ADA), event_id="Ev1")

    assert fake.responses("help")
    assert "users.info" in caplog.text  # the Web API calls were logged, at DEBUG
    assert TOKEN not in caplog.text
    assert SECRET not in caplog.text
