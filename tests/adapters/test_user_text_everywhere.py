"""A member's words on every platform: a blocker, a display name and a retro goal that try to
mention everyone, shown in each place the helper loop shows them (the helper offer, the
conversation intro, the follow-up, the weekly report, `stats`, the class's retro summary),
rendered by the Discord, Slack and console renderers. None becomes a mention or markup, and
a long blocker is cut wherever it is quoted."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.console import render as console
from adapters.console.files import Shelf
from adapters.discord import render as discord
from adapters.slack import render as slack
from bot.app import Cohort
from bot.clock import ManualClock
from bot.helpers.messages import SHOWN_TEXT
from bot.helpers.service import HelperService
from bot.identity import Caller, MemberRef
from bot.outbox import Message
from bot.replies import Reply, Tone, decode
from bot.reports import messages as report_messages
from bot.reports.service import ReportService
from bot.storage.tables import outbox
from tests.bot.retros.support import run_job
from tests.fakes.sender import RecordingSender
from tests.support import COMMUNITY, ok, table_rows, text_of

HOSTILE = "@everyone <@123456789012345678> <!channel> <@&42> **loud** [x](https://evil.example)"
BLOCKER = f"git rebase {HOSTILE} " + "word " * 150  # 850 characters
WEDNESDAY = datetime(2026, 12, 2, 12, tzinfo=UTC)
REPORT_DAY = datetime(2026, 12, 7, 8, tzinfo=UTC)

# What Discord would parse as a mention: everyone, here, or a user or role id (a snowflake,
# 17 digits or more; a shorter number is no mention).
DISCORD_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d{17}", re.IGNORECASE)
LINK = re.compile(r"(?<!\\)\]\(https://evil")  # a Markdown link whose bracket is not escaped
SLACK_MENTION = re.compile(r"<!(channel|everyone|here)|<@\d|<@&")


async def _as(cohort: Cohort, user: str, line: str, admin: bool = False) -> Reply:
    """`user`, whose display name tries to mention everyone, runs `line`."""
    who = Caller(MemberRef(COMMUNITY, user), display_name=f"{user} {HOSTILE}"[:100])
    answer = await cohort.dispatcher.run_line(
        Caller(who.member, who.display_name, is_platform_admin=admin), line
    )
    assert isinstance(answer, Reply)
    assert answer.tone is not Tone.ERROR, answer.body
    return answer


def _mrkdwn(found: object) -> list[str]:
    """The text of every mrkdwn object in Slack blocks: where Slack parses mentions and links
    (plain_text, such as a button's label, is shown as it is)."""
    if isinstance(found, dict):
        if found.get("type") == "mrkdwn":
            return [str(found["text"])]
        return [t for value in found.values() for t in _mrkdwn(value)]
    if isinstance(found, list):
        return [t for value in found for t in _mrkdwn(value)]
    return []


async def _drain(cohort: Cohort) -> list[Message]:
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender.delivered


@pytest.fixture
async def shown(cohort: Cohort, clock: ManualClock) -> dict[str, Reply]:
    """Every place the loop shows the blocker, the names or the goal."""
    clock.set(WEDNESDAY)
    await ok(cohort, "setup timezone:UTC reports:#orgs checkins:#ci", "root", admin=True)
    for user in ("ada", "bob"):
        await _as(cohort, user, "join timezone:UTC start:2026-09-01")
    await _as(cohort, "bob", "done git-daily")
    await _as(cohort, "bob", "helper on limit:3")
    await _as(cohort, "ada", f'checkin hours:3 done:x blockers:"{BLOCKER}"')
    replies = {"offer": await _as(cohort, "ada", "helper find")}
    replies["asked"] = await _as(cohort, "ada", "helper ask 1 1")
    (intro,) = [r for r in await table_rows(cohort, outbox) if r["target_kind"] == "group"]
    replies["intro"] = decode(str(intro["payload"]))
    await run_job(cohort, clock, datetime(2026, 12, 2, 13, tzinfo=UTC))  # the retros asked
    for user in ("ada", "bob"):
        await _as(cohort, user, f'retro well:fine goal:"{user} {HOSTILE}" share:yes')
    (summary,) = await run_job(cohort, clock, datetime(2026, 12, 2, 14, tzinfo=UTC))
    replies["retro summary"] = summary.reply
    community = await cohort.communities.resolve(COMMUNITY, WEDNESDAY)
    clock.set(WEDNESDAY + timedelta(days=6))
    async with cohort.db.write() as tx:
        await cohort.services.get(HelperService).follow_ups(tx, community, clock.now())
    (follow_up,) = [m for m in await _drain(cohort) if m.key.startswith("help-follow-up:")]
    replies["follow-up"] = follow_up.reply
    await _as(cohort, "ada", "helper helped 1 yes")
    replies["stats"] = await _as(cohort, "root", "stats", admin=True)
    report = await cohort.services.get(ReportService).preview(community, REPORT_DAY)
    replies["report"] = report_messages.report(report, None, private=False)
    return replies


async def test_no_member_text_mentions_anyone_or_escapes_on_any_platform(
    shown: dict[str, Reply], tmp_path: Path
) -> None:
    for place, reply in shown.items():
        for message in discord.reply(reply):
            for embed in message.embeds:
                fields = [f"{f.name}\n{f.value}" for f in embed.fields]
                text = "\n".join([embed.title or "", embed.description or "", *fields])
                assert not DISCORD_MENTION.search(text), (place, text)
                assert not LINK.search(text), (place, text)
        slack_text = "\n".join([*_mrkdwn(slack.blocks(reply)), slack.fallback(reply)])
        assert not SLACK_MENTION.search(slack_text), (place, slack_text)
        assert "<https://evil" not in slack_text, place  # a Slack link is <url|label>
        # The console shows the words exactly as typed: literal, nothing to parse.
        printed = console.reply(reply, Shelf(tmp_path))
        assert "\\<" not in printed, place
    for place in ("offer", "intro", "follow-up", "retro summary"):
        assert "<@123456789012345678> <!channel>" in console.reply(shown[place], Shelf(tmp_path))


def test_a_long_blocker_is_cut_everywhere_it_is_quoted(shown: dict[str, Reply]) -> None:
    for place in ("offer", "intro", "follow-up"):
        text = text_of(shown[place])
        assert "git rebase @everyone" in text, place
        quoted = text[text.index("git rebase") :].split("…")[0]
        assert len(quoted) < SHOWN_TEXT, place  # cut, with an ellipsis


def test_the_report_and_stats_count_blockers_without_quoting_them(
    shown: dict[str, Reply],
) -> None:
    for place in ("report", "stats", "retro summary"):
        assert "git rebase" not in text_of(shown[place]), place
    assert "Most active helpers: bob @everyone" in text_of(shown["report"])
    assert "Most active helpers: bob @everyone" in text_of(shown["stats"])
