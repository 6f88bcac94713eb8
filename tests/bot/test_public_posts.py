"""What Cohort posts in public channels speaks to members: no organizer-only instructions."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.commands import Access
from tests.bot.stepping import step_until
from tests.support import caller

ORGANIZER = caller("org", admin=True)


async def test_channel_posts_name_no_organizer_command(cohort: Cohort, clock: ManualClock) -> None:
    await cohort.dispatcher.run_line(
        ORGANIZER,
        "setup challenges:#challenges checkins:#checkins matchups:#matchups digest:#digest",
    )
    for name in ("ada", "bob", "cy"):
        await cohort.dispatcher.run_line(caller(name), "join")
        await cohort.dispatcher.run_line(caller(name), "match join")
    await cohort.dispatcher.run_line(ORGANIZER, "challenge post-now")
    delivered = await step_until(cohort, clock, clock.now() + timedelta(days=15))
    public = [m for _, m in delivered if not m.reply.private]
    kinds = {m.key.split(":")[0] for m in public}
    assert {
        "challenge",
        "challenge-summary",
        "checkin-prompt",
        "digest",
        "match",
        "match-met",
    } <= kinds
    organizer_only = [
        " ".join(path)
        for path, command in cohort.catalogue.leaves()
        if command.access is Access.ORGANIZER
    ]
    for message in public:
        markdown = "\n".join([message.reply.body, *message.reply.items])
        for path in organizer_only:
            assert f"`{path}" not in markdown, (message.key, path)
            assert not any(a.command.startswith(path) for a in message.reply.actions)
