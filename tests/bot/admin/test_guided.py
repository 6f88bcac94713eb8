"""The guided setup: the checklist, the pickers, the defaults in one press, and the welcome
posted once when Cohort arrives."""

from __future__ import annotations

from datetime import timedelta

from bot.admin.messages import DONE, TODO
from bot.app import Cohort
from bot.communities.model import Purpose
from bot.identity import Caller
from bot.replies import decode, encode
from bot.storage.tables import outbox
from tests.support import (
    COMMUNITY,
    caller,
    first_scheduled_post,
    ok,
    reply,
    table_rows,
    text_of,
)

HERE = "C-general"


def organizer(user: str = "owner") -> Caller:
    base = caller(user, admin=True)
    return Caller(base.member, base.display_name, base.is_platform_admin, channel_id=HERE)


async def test_setup_alone_opens_the_guided_setup_with_a_picker_for_each_setting(
    cohort: Cohort,
) -> None:
    guided = reply(await cohort.dispatcher.run_line(organizer(), "setup"))
    assert guided.title == "Set up Cohort"
    pickers = {s.option: s for s in guided.selects}
    assert list(pickers) == ["all", "reports", "timezone", "posts", "track", "feeds"]
    assert pickers["all"].picks_channel
    assert pickers["reports"].picks_channel
    assert pickers["posts"].multiple
    assert pickers["timezone"].line(["Europe/Berlin"]) == "setup timezone:Europe/Berlin"
    assert pickers["posts"].line([]) == "setup posts:none"
    assert guided.actions[0].command == f"setup all:{HERE} feeds:on"
    assert f"{TODO} Challenges: no channel yet" in text_of(guided)
    assert f"{TODO} Feeds: none" in text_of(guided)


async def test_the_defaults_configure_every_member_post_here_but_never_the_report(
    cohort: Cohort,
) -> None:
    guided = reply(await cohort.dispatcher.run_line(organizer(), "setup"))
    done = reply(await cohort.dispatcher.run_line(organizer(), guided.actions[0].command))
    shown = text_of(done)
    for purpose in ("Challenges", "Digest", "Checkins", "Matchups"):
        assert f"{DONE} {purpose}: #{HERE}" in shown
    assert f"{TODO} Reports: no channel yet" in shown
    assert "private organizers' channel" in shown
    assert f"{DONE} Feeds:" in shown
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert Purpose.REPORTS not in community.channels


async def test_the_organizers_profile_time_zone_is_suggested(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Asia/Tokyo", "owner", admin=True)
    guided = reply(await cohort.dispatcher.run_line(organizer(), "setup"))
    assert guided.actions[0].command == f"setup all:{HERE} feeds:on timezone:Asia/Tokyo"
    zones = next(s for s in guided.selects if s.option == "timezone")
    assert zones.choices[0].value == "Asia/Tokyo"
    assert any(a.command == "setup timezone:Asia/Tokyo" for a in guided.actions)


async def test_posts_turn_schedules_on_and_off(cohort: Cohort) -> None:
    answer = await ok(cohort, "setup posts:challenges,digest", "owner", admin=True)
    assert "checkins off" in answer.body
    assert "Checkins: no channel yet, turned off" in text_of(answer)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert not community.schedule(Purpose.MATCHUPS).enabled
    assert community.schedule(Purpose.DIGEST).enabled
    refused = reply(await cohort.dispatcher.run_line(organizer(), "setup posts:memes"))
    assert "memes" in refused.body


async def test_track_and_channel_pickers(cohort: Cohort) -> None:
    await ok(cohort, "setup track:2", "owner", admin=True)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert community.challenge_track == "2"
    pickers = reply(await cohort.dispatcher.run_line(organizer(), "setup pick:channels"))
    assert [s.option for s in pickers.selects] == [p.value for p in Purpose]
    assert all(s.picks_channel for s in pickers.selects)


async def test_a_reply_with_pickers_survives_the_outbox(cohort: Cohort) -> None:
    guided = reply(await cohort.dispatcher.run_line(organizer(), "setup"))
    assert decode(encode(guided)) == guided


async def test_the_welcome_is_posted_once_where_cohort_arrived(cohort: Cohort) -> None:
    await cohort.dispatcher.arrived(COMMUNITY, HERE)
    cohort.clock.advance(timedelta(minutes=5))
    await cohort.dispatcher.arrived(COMMUNITY, "C-elsewhere")
    rows = await table_rows(cohort, outbox)
    assert [(r["key"].split(":")[0], r["channel_id"]) for r in rows] == [("setup-welcome", HERE)]
    welcome = decode(rows[0]["payload"])
    assert not welcome.private
    assert welcome.actions[0].command == f"setup all:{HERE} feeds:on"
    assert welcome.selects


async def test_from_arrival_to_the_first_scheduled_post_takes_one_press(cohort: Cohort) -> None:
    await cohort.dispatcher.arrived(COMMUNITY, HERE)
    (row,) = await table_rows(cohort, outbox)
    await cohort.dispatcher.run_line(organizer(), decode(row["payload"]).actions[0].command)
    assert (await first_scheduled_post(cohort)).startswith("checkin-prompt:")


async def test_once_everything_is_set_the_guided_setup_no_longer_offers_the_defaults(
    cohort: Cohort,
) -> None:
    await cohort.dispatcher.run_line(organizer(), f"setup all:{HERE} feeds:on")
    guided = reply(await cohort.dispatcher.run_line(organizer(), "setup"))
    assert [a.label for a in guided.actions] == ["A channel per post"]
    assert "Challenge track: the phase most members are in" in text_of(guided)
