"""Helpers through the dispatcher: opting in, a check-in's blocker routed to members who have
been there, the conversation through the outbox, declines, limits, blocks and follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import Cohort
from bot.checkins.service import CheckinService
from bot.checkins.streaks import Mark
from bot.clock import ManualClock
from bot.helpers.messages import SHOWN_TEXT
from bot.helpers.service import HelperService
from bot.outbox import TargetKind
from bot.replies import Reply, Tone, decode
from bot.storage.tables import help_requests, outbox, streak_spares
from tests.bot.stepping import step_until
from tests.support import COMMUNITY, member_of, ok, run, table_rows, text_of

START_OF_DAY_AFTER_GRACE = datetime(2026, 12, 7, 14, tzinfo=UTC)
BLOCKER = 'checkin hours:3 done:reading blockers:"My git history is a mess, rebase confuses me"'


async def _error(cohort: Cohort, line: str, user: str = "ada") -> str:
    answer = await run(cohort, line, user)
    assert answer.tone is Tone.ERROR, answer
    return answer.body


async def _community(cohort: Cohort, *helpers: str, limit: int = 2) -> None:
    """ada is stuck on Git; each helper finished git-daily and helps."""
    await ok(cohort, "setup checkins:#ci", "root", admin=True)
    await ok(cohort, "join timezone:Europe/Berlin")
    for name in helpers:
        await ok(cohort, "join timezone:Europe/Paris", name)
        await ok(cohort, "done git-daily", name)
        await ok(cohort, f"helper on limit:{limit}", name)


async def _groups(cohort: Cohort) -> list[dict[str, object]]:
    return [r for r in await table_rows(cohort, outbox) if r["target_kind"] == "group"]


async def test_helping_is_off_by_default_and_turns_on_and_off(cohort: Cohort) -> None:
    await ok(cohort, "join")
    assert "Off." in text_of(await ok(cohort, "helper"))
    on = await ok(cohort, "helper on topics:rag,python phases:1 limit:3")
    assert "up to 3 requests a week; topics python, rag; phases 1" in on.body
    assert "On: up to 3 requests a week" in text_of(await ok(cohort, "helper status"))
    assert "no longer offered" in (await ok(cohort, "helper off")).body
    assert "Off." in text_of(await ok(cohort, "helper"))
    assert "No such topic: nope" in await _error(cohort, "helper on topics:nope")
    assert "Phases are numbered" in await _error(cohort, "helper on phases:9")


async def test_a_checkin_blocker_is_linked_to_its_milestone_and_offered_helpers(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob", "cy", "dee", "eve")
    saved = await ok(cohort, BLOCKER)
    assert ("Find someone who's been there", "helper find") in [
        (a.label, a.command) for a in saved.actions
    ]
    offer = await ok(cohort, "helper find")
    assert offer.title == "Members who've been there"
    assert "Linked to **Use Git and GitHub every day**" in offer.body
    assert len(offer.items) == 3  # at most three helpers
    assert all("finished it on" in item for item in offer.items)
    asks = [a.command for a in offer.actions if a.command.startswith("helper ask")]
    assert asks == ["helper ask 1 1", "helper ask 1 2", "helper ask 1 3"]
    # The same inputs give the same offer.
    assert (await ok(cohort, "helper find")).items == offer.items
    assert await _groups(cohort) == []  # nobody is told before the member asks


async def test_asking_opens_a_group_conversation_with_the_blocker_escaped(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob")
    await ok(cohort, 'checkin hours:3 done:x blockers:"git rebase <@everyone> **loud**"')
    await ok(cohort, "helper find")
    asked = await ok(cohort, "helper ask 1 1")
    assert "private conversation with bob" in asked.body
    (row,) = await _groups(cohort)
    assert row["user_ids"] == "ada,bob"
    assert row["channel_id"] == "ci"
    intro = decode(str(row["payload"]))
    assert r"git rebase \<@everyone\> \*\*loud\*\*" in intro.body
    assert "What the roadmap suggests" in intro.body
    assert intro.actions[0].command == "helper decline 1"
    assert "already asked" in await _error(cohort, "helper ask 1 1")


async def test_a_helper_declines_and_the_member_can_ask_another(cohort: Cohort) -> None:
    await _community(cohort, "bob", "cy")
    await ok(cohort, BLOCKER)
    offer = await ok(cohort, "helper find")
    first = offer.items[0].split("** ")[1].split(" (")[0]
    second = "cy" if first == "bob" else "bob"
    await ok(cohort, "helper ask 1 1")
    assert "weren't asked" in await _error(cohort, "helper decline 1", second)
    await ok(cohort, "helper decline 1", first)
    rows = await table_rows(cohort, outbox)
    (note,) = [r for r in rows if str(r["key"]).startswith("help-declined:")]
    assert note["user_ids"] == "ada"
    assert decode(str(note["payload"])).actions[0].command == "helper ask 1 2"
    await ok(cohort, "helper ask 1 2")
    assert sorted(str(r["user_ids"]) for r in await _groups(cohort)) == [
        "ada,bob",
        "ada,cy",
    ]


async def test_a_helper_is_never_asked_past_their_weekly_limit(cohort: Cohort) -> None:
    await _community(cohort, "bob", limit=1)
    await ok(cohort, "join timezone:UTC", "fay")
    await ok(cohort, BLOCKER)
    await ok(cohort, BLOCKER, "fay")
    await ok(cohort, "helper find")
    await ok(cohort, "helper find", "fay")  # offered to both: an offer costs nothing
    await ok(cohort, "helper ask 1 1")
    assert "all the requests they take" in await _error(cohort, "helper ask 2 1", "fay")
    # Routing again no longer offers a full helper.
    assert (await ok(cohort, "helper find", "fay")).title == "No helper yet"


async def test_blocks_either_way_keep_two_members_apart(cohort: Cohort) -> None:
    await _community(cohort, "bob", "cy")
    await ok(cohort, BLOCKER)
    await ok(cohort, "helper block @bob")
    await ok(cohort, "helper block @ada", "cy")
    found = await ok(cohort, "helper find")
    assert found.title == "No helper yet"
    assert "again" in (await ok(cohort, "helper block @bob undo:true", "ada")).body
    assert [i.split("** ")[1].split(" (")[0] for i in (await ok(cohort, "helper find")).items] == [
        "bob"
    ]
    assert "isn't another member" in await _error(cohort, "helper block @ada")


async def test_a_helper_who_stops_leaves_or_pauses_drops_out_of_pending_offers(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob", "cy", "dee")
    await ok(cohort, BLOCKER)
    offer = await ok(cohort, "helper find")
    names = [i.split("** ")[1].split(" (")[0] for i in offer.items]
    await ok(cohort, "helper off", names[0])
    await ok(cohort, "leave", names[1])
    await ok(cohort, "pause until:2026-12-20", names[2])
    for rank in (1, 2, 3):
        assert "can't be asked any more" in await _error(cohort, f"helper ask 1 {rank}")
    assert (await ok(cohort, "helper find")).title == "No helper yet"


async def test_a_blocker_matching_nothing_asks_what_it_is_about(cohort: Cohort) -> None:
    await _community(cohort, "bob")
    await ok(cohort, 'checkin hours:1 done:x blockers:"zzz qqq"')
    found = await ok(cohort, "helper find")
    assert "pick what it is about" in found.body
    picked = await ok(cohort, "helper find subject:m:git-daily")
    assert picked.title == "Members who've been there"
    assert "isn't a milestone or topic" in await _error(cohort, "helper find subject:m:nope")
    assert "names no blocker" in await _error(cohort, "helper find", "bob")


async def test_the_member_is_asked_whether_it_helped_and_a_yes_credits_the_helper(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "bob")
    await ok(cohort, BLOCKER)
    await ok(cohort, "helper find")
    await ok(cohort, "helper ask 1 1")
    delivered = await step_until(cohort, clock, clock.now() + timedelta(days=5))
    follow_ups = [m for _, m in delivered if m.key.startswith("help-follow-up:")]
    assert len(follow_ups) == 1
    (message,) = follow_ups
    assert message.target.kind is TargetKind.DIRECT
    assert message.target.user_ids == ("ada",)
    assert [a.command for a in message.reply.actions] == [
        "helper helped 1 yes",
        "helper helped 1 no",
    ]
    assert "Glad it helped" in (await ok(cohort, "helper helped 1 yes")).body
    assert "already told me" in (await ok(cohort, "helper helped 1 no")).body
    standing = text_of(await ok(cohort, "helper", "bob"))
    assert "Credits: 1 (0 for reviews, 0 for matchups met, 1 for blockers helped)" in standing
    assert "1 of 3 toward the next one" in standing
    # The progress card and its text say what helping earned, and only for whoever earned it.
    assert "Helping: 1 credit (1 blocker helped), 0 freezes earned." in text_of(
        await ok(cohort, "progress", "bob")
    )
    assert "Helping:" not in text_of(await ok(cohort, "progress"))
    (row,) = await table_rows(cohort, help_requests)
    assert row["status"] == "helped"


async def test_organizers_see_blockers_routed_helped_and_the_most_active_helpers(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob")
    await ok(cohort, BLOCKER)
    await ok(cohort, "helper find")
    await ok(cohort, "helper ask 1 1")
    await ok(cohort, "helper helped 1 yes")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    service = cohort.services.get(HelperService)
    async with cohort.db.read() as tx:
        counts = await service.counts(tx, community.id, date(2026, 11, 16))
    assert (counts.routed, counts.asked, counts.helped, counts.unanswered) == (1, 1, 1, 0)
    assert counts.top_helpers == (("bob", 1),)
    shown = text_of(await ok(cohort, "stats", "root", admin=True))
    assert "Blockers: 1 routed to helpers, 1 asked, 1 helped, 0 with no helper" in shown
    assert "Most active helpers: bob (1)" in shown


async def test_a_freeze_earned_by_helping_keeps_a_streak_through_a_missed_week(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "setup checkins:#ci", "root", admin=True)
    for name in ("bob", "eve"):
        await ok(cohort, "join timezone:UTC", name)
        await ok(cohort, "checkin hours:2 done:x", name)  # the week of 2026-11-23
    await ok(cohort, "done git-daily", "bob")
    await ok(cohort, "helper on limit:3", "bob")
    for number, name in enumerate(("ada", "cy", "dee"), 1):
        await ok(cohort, "join timezone:UTC", name)
        await ok(cohort, BLOCKER, name)
        await ok(cohort, "helper find", name)
        await ok(cohort, f"helper ask {number} 1", name)
        await ok(cohort, f"helper helped {number} yes", name)
    assert "1 earned, 0 spent, 1 held" in text_of(await ok(cohort, "helper", "bob"))
    # Neither checks in for the week of 2026-11-30; it closes on Monday 2026-12-07 at noon.
    delivered = await step_until(cohort, clock, START_OF_DAY_AFTER_GRACE)
    kept = [m for _, m in delivered if m.key.startswith("help-freeze:")]
    assert [m.target.user_ids for m in kept] == [("bob",)]
    assert [(r["week_start"].isoformat()) for r in await table_rows(cohort, streak_spares)] == [
        "2026-11-30"
    ]
    assert "1 earned, 1 spent, 0 held" in text_of(await ok(cohort, "helper", "bob"))
    community = await cohort.communities.resolve(COMMUNITY, clock.now())
    bob, eve = await member_of(cohort, "bob"), await member_of(cohort, "eve")
    checkins = cohort.services.get(CheckinService)
    async with cohort.db.read() as tx:
        streaks = await checkins.streaks_now(tx, [bob, eve], clock.now())
        history, _ = await checkins.history(tx, community.id, bob, clock.now())
    assert (streaks[bob.id].current, streaks[eve.id].current) == (1, 0)
    assert history.mark(date(2026, 11, 30)) is Mark.SPARED


async def test_a_declined_helper_is_not_offered_again_for_the_same_blocker(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob")
    await ok(cohort, BLOCKER)
    await ok(cohort, "helper find")
    await ok(cohort, "helper ask 1 1")
    await ok(cohort, "helper decline 1", "bob")
    assert (await ok(cohort, "helper find")).title == "No helper yet"


async def test_a_long_blocker_is_cut_wherever_it_is_shown(cohort: Cohort) -> None:
    await _community(cohort, "bob")
    await ok(cohort, f'checkin hours:1 done:x blockers:"git rebase {"word " * 150}"')
    offer = await ok(cohort, "helper find")
    shown = offer.body.split("Your blocker: ")[1].split("\n")[0]
    assert shown.endswith("…")
    assert len(shown) == SHOWN_TEXT
    assert len(offer.body) < 600


async def test_profile_shows_helping_through_the_members_seam(cohort: Cohort) -> None:
    await ok(cohort, "join")
    await ok(cohort, "helper on limit:1")
    shown = text_of(await ok(cohort, "profile"))
    assert "Helper: On: up to 1 request a week; asked 0 in the last 7 days." in shown
    assert "Credits for helping: 0 (0 for reviews" in shown
    assert "Freezes from helping: 0 earned, 0 spent, 0 held" in shown


async def test_asking_needs_a_channel_for_the_private_thread(cohort: Cohort) -> None:
    await ok(cohort, "join")
    await ok(cohort, "join", "bob")
    await ok(cohort, "done git-daily", "bob")
    await ok(cohort, "helper on", "bob")
    await ok(cohort, BLOCKER)
    await ok(cohort, "helper find")
    assert "setup checkins:#channel" in await _error(cohort, "helper ask 1 1")


def _offered(offer: Reply) -> list[str]:
    """The helpers an offer names, in rank order."""
    return [i.split("** ")[1].split(" (")[0] for i in offer.items]


async def test_a_helper_who_is_forgotten_leaves_pending_offers_with_a_clear_line(
    cohort: Cohort,
) -> None:
    await _community(cohort, "bob", "cy")
    await ok(cohort, BLOCKER)
    names = _offered(await ok(cohort, "helper find"))
    gone = names.index("bob") + 1
    code = (await ok(cohort, "forget-me", "bob")).actions[0].command
    await ok(cohort, code, "bob")
    assert "not among the ones offered" in await _error(cohort, f"helper ask 1 {gone}")
    await ok(cohort, f"helper ask 1 {3 - gone}")  # the other one still can be asked
    assert [r["user_ids"] for r in await _groups(cohort)] == ["ada,cy"]
    await ok(cohort, "join timezone:UTC", "dee")
    await ok(cohort, BLOCKER, "dee")
    assert _offered(await ok(cohort, "helper find", "dee")) == ["cy"]  # and no new offer


async def test_a_block_after_the_offer_keeps_the_pair_apart_both_ways(cohort: Cohort) -> None:
    await _community(cohort, "bob", "cy")
    await ok(cohort, BLOCKER)
    names = _offered(await ok(cohort, "helper find"))
    await ok(cohort, "helper block @bob")  # the member blocks a helper
    await ok(cohort, "helper block @ada", "cy")  # a helper blocks the member
    for rank in (1, 2):
        assert "can't be asked any more" in await _error(cohort, f"helper ask 1 {rank}")
    assert sorted(names) == ["bob", "cy"]
    assert (await ok(cohort, "helper find")).title == "No helper yet"
    assert await _groups(cohort) == []  # nothing was posted to either
