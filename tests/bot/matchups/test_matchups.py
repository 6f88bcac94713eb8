"""Matchups end to end on a real database: joining, the scheduled round and its intros, the
"did you meet?" follow-up, skips, blocks, pauses, going idle, organizers' commands, and the
same groups after a crash."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.jobs import Occurrence
from bot.matchups.store import rounds as store
from bot.outbox import Message, TargetKind
from bot.replies import Tone
from bot.storage.tables import match_blocks, match_group_members, match_members, outbox
from tests.fakes.sender import RecordingSender
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # the default matchups time, in W49


async def _say(cohort: Cohort, user: str, line: str) -> str:
    return text_of(await cohort.dispatcher.run_line(caller(user), line))


async def _org(cohort: Cohort, line: str) -> str:
    return text_of(await cohort.dispatcher.run_line(ORGANIZER, line))


async def _community(cohort: Cohort, *people: tuple[str, str]) -> None:
    """A matchups channel, and members (name, time zone) on the roadmap and in matchups."""
    await cohort.dispatcher.run_line(ORGANIZER, "setup matchups:#matchups")
    for name, zone in people:
        await _say(cohort, name, f"join timezone:{zone}")
        await _say(cohort, name, "match join")


async def _round(cohort: Cohort, clock: ManualClock, week: int = 0) -> list[Message]:
    """Reach the matchups time `week` weeks after W49's and deliver what is due."""
    clock.set(TUESDAY_10 + timedelta(weeks=week, seconds=20))
    await cohort.scheduler.tick()
    return await _deliver(cohort)


async def _conversation(cohort: Cohort, key: str) -> str | None:
    """Where the outbox says the message with `key` landed."""
    async with cohort.db.read() as conn:
        found: str | None = await conn.scalar(
            sa.select(outbox.c.conversation_id).where(outbox.c.key == key)
        )
    return found


async def _deliver(cohort: Cohort) -> list[Message]:
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender.delivered


def _groups(messages: list[Message]) -> list[set[str]]:
    return [set(m.target.user_ids) for m in messages if m.key.startswith("match:")]


BERLIN = "Europe/Berlin"


async def test_a_round_introduces_each_group_with_an_agenda_and_asks_five_days_later(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(
        cohort, ("ada", BERLIN), ("bob", BERLIN), ("cy", "America/New_York"), ("dee", BERLIN)
    )
    await _say(cohort, "ada", 'match join interests:"NLP, rag"')
    await _say(cohort, "bob", 'match join interests:"rag; vision"')
    delivered = await _round(cohort, clock)
    intros = [m for m in delivered if m.key.startswith("match:")]
    assert sorted(m.key for m in intros) == ["match:1:2026-W49:1", "match:1:2026-W49:2"]
    assert len(delivered) == 2  # the follow-ups wait five days
    assert sorted(len(g) for g in _groups(intros)) == [2, 2]
    assert {u for g in _groups(intros) for u in g} == {"ada", "bob", "cy", "dee"}
    for intro in intros:
        assert intro.target.kind is TargetKind.GROUP
        assert intro.target.channel_id == "matchups"
        assert not intro.reply.private
        assert len(intro.reply.items) == 2
        assert all(
            "phase 1 · Foundations, month 1 of 3; working on" in i for i in intro.reply.items
        )
        assert "**Icebreaker:** " in intro.reply.body
        assert "`match status`" in intro.reply.body
        assert [a.command for a in intro.reply.actions] == ["match status", "match skip"]
    # ada and bob share a city, a phase and an interest; cy and dee share a phase.
    assert sorted(map(sorted, _groups(intros))) == [["ada", "bob"], ["cy", "dee"]]
    ada = next(m for m in intros if "ada" in m.target.user_ids)
    assert "**In common:** rag." in ada.reply.body
    clock.advance(timedelta(days=5))
    follow_ups = await _deliver(cohort)
    assert sorted(m.key for m in follow_ups) == ["match-met:1:2026-W49:1", "match-met:1:2026-W49:2"]
    for follow_up in follow_ups:
        assert follow_up.reply.title == "Did you meet?"
        assert [a.command for a in follow_up.reply.actions] == [
            "match met round:1 answer:yes",
            "match met round:1 answer:no",
        ]
        intro = next(m for m in intros if m.key.endswith(follow_up.key[-2:]))
        # Same members, same channel, and the intro's own conversation (a Discord thread).
        assert follow_up.target == replace(intro.target, follows=intro.key)
        assert follow_up.conversation_id is not None
        assert follow_up.conversation_id == await _conversation(cohort, intro.key)


async def test_answers_are_recorded_and_counted_in_the_stats(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN), ("cy", BERLIN))
    (intro,) = await _round(cohort, clock)
    assert len(intro.target.user_ids) == 3  # the odd one joins the pair
    assert "Thanks for telling me" in await _say(cohort, "ada", "match met round:1 answer:no")
    assert "marked as met" in await _say(cohort, "bob", "match met round:1 answer:yes")
    stranger = reply(
        await cohort.dispatcher.run_line(caller("ada"), "match met round:7 answer:yes")
    )
    assert "weren't matched in that round" in stranger.body
    stats = await _org(cohort, "match stats")
    assert "Rounds: 1" in stats
    assert "Groups: 1" in stats
    assert "Met: 50% (1 of 2 answers)" in stats
    status = reply(await cohort.dispatcher.run_line(caller("cy"), "match"))
    assert "Your match of 2026-W49: <@ada> and <@bob>." in status.body
    assert [a.command for a in status.actions] == [
        "match met round:1 answer:yes",
        "match met round:1 answer:no",
    ]
    answered = reply(await cohort.dispatcher.run_line(caller("bob"), "match status"))
    assert "You told me you met." in answered.body
    assert answered.actions == ()


async def test_a_blocker_is_shared_only_by_members_who_allow_it(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    await _say(cohort, "ada", "match join share:true")
    await _say(cohort, "ada", 'checkin hours:4 done:"pandas" blockers:"broadcasting *shapes* <@x>"')
    await _say(cohort, "bob", 'checkin hours:4 done:"numpy" blockers:"my secret struggle"')
    (intro,) = await _round(cohort, clock)
    agenda = "\n".join(intro.reply.items)
    assert "stuck on: broadcasting \\*shapes\\* \\<@x\\>" in agenda
    assert "secret" not in agenda


async def test_skipping_sits_out_the_next_round_only(cohort: Cohort, clock: ManualClock) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN), ("cy", BERLIN))
    assert "sit out the next round only" in await _say(cohort, "cy", "match skip")
    assert "you skip it" in await _say(cohort, "cy", "match status")
    assert _groups(await _round(cohort, clock)) == [{"ada", "bob"}]
    assert "you're in" in await _say(cohort, "cy", "match status")
    assert {u for g in _groups(await _round(cohort, clock, 1)) for u in g} == {"ada", "bob", "cy"}


async def test_blocked_members_are_never_grouped_and_are_not_told(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    assert "never be matched with @bob" in await _say(cohort, "ada", "match block <@bob>")
    refused = reply(await cohort.dispatcher.run_line(caller("ada"), "match block member:ada"))
    assert refused.tone is Tone.ERROR
    delivered = await _round(cohort, clock)
    assert sorted(m.key for m in delivered) == [
        "match-alone:1:2026-W49:1",
        "match-alone:1:2026-W49:2",
    ]
    assert all(m.target.kind is TargetKind.DIRECT for m in delivered)
    assert all("block" not in text_of(m.reply) for m in delivered)
    assert "can be matched with you again" in await _say(cohort, "ada", "match block bob undo:true")
    assert _groups(await _round(cohort, clock, 1)) == [{"ada", "bob"}]


async def test_a_block_holds_across_rounds_in_a_bigger_pool(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, *((name, BERLIN) for name in ("ada", "bob", "cy", "dee")))
    await _say(cohort, "bob", "match block member:ada")
    for week in range(3):  # by the third week every other partner is a repeat
        groups = _groups(await _round(cohort, clock, week))
        assert len(groups) == 2
        assert not any({"ada", "bob"} <= g for g in groups)


async def test_the_global_pause_keeps_a_member_out_of_rounds(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN), ("cy", BERLIN))
    await _say(cohort, "cy", "pause until:2026-12-14")
    assert "paused until 2026-12-14" in await _say(cohort, "cy", "match status")
    assert _groups(await _round(cohort, clock)) == [{"ada", "bob"}]
    assert _groups(await _round(cohort, clock, 1)) == [{"ada", "bob"}]
    assert len(_groups(await _round(cohort, clock, 2))[0]) == 3


async def test_three_unanswered_rounds_put_matchups_on_hold_until_join(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    for week in range(3):
        assert _groups(await _round(cohort, clock, week)) == [{"ada", "bob"}]
    delivered = await _round(cohort, clock, 3)
    assert sorted(m.key for m in delivered) == [
        "match-idle:1:2026-W52:1",
        "match-idle:1:2026-W52:2",
        "match-met:1:2026-W51:1",
    ]
    notice = delivered[-1]
    assert notice.target.kind is TargetKind.DIRECT
    assert "`match join` brings you back" in notice.reply.body
    assert [a.command for a in notice.reply.actions] == ["match join"]
    assert "on hold" in await _say(cohort, "bob", "match status")
    assert "Rounds: 3" in await _org(cohort, "match stats")
    assert "You're in the weekly matchups!" in await _say(cohort, "bob", "match join")
    assert "You're in the weekly matchups!" in await _say(cohort, "ada", "match join")
    assert _groups(await _round(cohort, clock, 4)) == [{"ada", "bob"}]


async def test_a_groupmates_yes_counts_as_an_answer_for_the_whole_group(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    await _round(cohort, clock)
    await _say(cohort, "ada", "match met round:1 answer:yes")
    for week in range(1, 4):
        delivered = await _round(cohort, clock, week)
        assert not any(m.key.startswith("match-idle:") for m in delivered)
    delivered = await _round(cohort, clock, 4)
    assert sum(m.key.startswith("match-idle:") for m in delivered) == 2


class Crash(Exception):
    """The process dying before the round's transaction commits."""


async def _crash_after_the_round(
    cohort: Cohort, occurrence: Occurrence, seen: list[tuple[int, str]]
) -> None:
    """Make the scheduled round, note its groups in `seen`, and crash before the commit."""
    community = await cohort.communities.get(1)
    async with cohort.db.write() as conn:
        await cohort.matchups.scheduled(conn, community, occurrence)
        made = await store.round_of_week(conn, 1, "2026-W49")
        assert made is not None
        seen.extend((s.number, s.user_id) for s in await store.seats(conn, made.id))
        raise Crash


async def test_a_crashed_round_is_made_again_with_the_same_groups(
    cohort: Cohort, clock: ManualClock
) -> None:
    names = [f"m{i}" for i in range(9)]
    await _community(cohort, *((name, BERLIN) for name in names))
    await cohort.dispatcher.run_line(ORGANIZER, "match settings size:3")
    preview = reply(await cohort.dispatcher.run_line(ORGANIZER, "match preview"))
    clock.set(TUESDAY_10)
    occurrence = Occurrence("matchups", TUESDAY_10, "2026-12-01T10:00", late=False)

    before: list[tuple[int, str]] = []
    with pytest.raises(Crash):
        await _crash_after_the_round(cohort, occurrence, before)
    async with cohort.db.read() as conn:
        assert await store.round_of_week(conn, 1, "2026-W49") is None
    delivered = await _round(cohort, clock)
    async with cohort.db.read() as conn:
        made = await store.round_of_week(conn, 1, "2026-W49")
        assert made is not None
        after = [(s.number, s.user_id) for s in await store.seats(conn, made.id)]
    assert after == before
    assert sorted(len(g) for g in _groups(delivered)) == [3, 3, 3]
    listed = [line.split(" (")[0] for line in preview.items]
    assert sorted(listed) == sorted(
        " + ".join(f"<@{u}>" for u in sorted(g)) for g in _groups(delivered)
    )
    await cohort.scheduler.tick()
    assert await _deliver(cohort) == []


async def test_organizers_run_a_round_now_and_choose_the_settings(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", "Asia/Kolkata"))
    refused = reply(await cohort.dispatcher.run_line(caller("ada"), "match run"))
    assert "Only organizers" in refused.body
    shown = await _org(cohort, "match settings")
    for value in ("Cadence: weekly", "Group size: 2", "Mode: peers"):
        assert value in shown
    changed = await _org(cohort, "match settings cadence:biweekly mode:mentor size:4")
    for value in ("Cadence: biweekly", "Group size: 4", "Mode: mentor"):
        assert value in changed
    bad = reply(await cohort.dispatcher.run_line(ORGANIZER, "match settings size:5"))
    assert "between 2 and 4" in bad.body
    ran = await _org(cohort, "match run")  # on Sunday: the round due on Tuesday, made now
    assert "Made the round of 2026-W49: 1 group of 2;" in ran
    (intro,) = await _deliver(cohort)
    assert intro.key == "match:1:2026-W49:1"
    assert "52.5 hours this week fall between 09:00 and 21:00" in intro.reply.body
    again = reply(await cohort.dispatcher.run_line(ORGANIZER, "match run"))
    assert "The last round was made on 2026-11-29 15:00 UTC, less than a week ago" in again.body
    assert await _round(cohort, clock) == []  # the schedule skips the week made early


async def test_biweekly_rounds_skip_the_week_after_a_round(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    await cohort.dispatcher.run_line(ORGANIZER, "match settings cadence:biweekly")
    preview = reply(await cohort.dispatcher.run_line(ORGANIZER, "match preview"))
    assert preview.title == "Next round preview (2026-W49)"
    assert len(_groups(await _round(cohort, clock))) == 1
    preview = reply(await cohort.dispatcher.run_line(ORGANIZER, "match preview"))
    assert preview.title == "Next round preview (2026-W51)"
    assert _groups(await _round(cohort, clock, 1)) == []
    assert len(_groups(await _round(cohort, clock, 2))) == 1


async def test_without_a_channel_or_members_no_round_is_made(
    cohort: Cohort, clock: ManualClock
) -> None:
    no_channel = reply(await cohort.dispatcher.run_line(ORGANIZER, "match run"))
    assert "no matchups channel yet" in no_channel.body
    await cohort.dispatcher.run_line(ORGANIZER, "setup matchups:#matchups")
    nobody = reply(await cohort.dispatcher.run_line(ORGANIZER, "match run"))
    assert "Nobody takes part" in nobody.body
    assert await _round(cohort, clock) == []
    assert "Rounds: 0" in await _org(cohort, "match stats")


async def test_joining_needs_the_roadmap_and_reasonable_interests(cohort: Cohort) -> None:
    assert "haven't joined the roadmap" in await _say(cohort, "zed", "match join")
    await _say(cohort, "ada", "join")
    assert "Give at most 8 interests" in await _say(
        cohort, "ada", 'match join interests:"a,b,c,d,e,f,g,h,i"'
    )
    joined = await _say(cohort, "ada", 'match join interests:"LLM  Apps, nlp, nlp" share:true')
    assert "Interests: llm apps, nlp" in joined
    assert "Blocker in intros: shared" in joined
    await _say(cohort, "bob", "join")
    assert "not in the weekly matchups" in await _say(cohort, "bob", "match status")
    assert "You left the matchups" in await _say(cohort, "ada", "match leave")
    assert "not in the weekly matchups" in await _say(cohort, "ada", "match skip")


async def test_the_export_holds_a_members_matchups_but_never_who_blocked_them(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN), ("cy", BERLIN))
    await _say(cohort, "ada", "match block member:cy")
    await _round(cohort, clock)
    await _say(cohort, "ada", "match met round:1 answer:yes")

    async def export(user: str) -> dict[str, list[dict[str, object]]]:
        answer = reply(await cohort.dispatcher.run_line(caller(user), "export"))
        assert answer.attachment is not None
        document = json.loads(answer.attachment.data)
        sections: dict[str, list[dict[str, object]]] = document["features"]["matchups"]
        return sections

    ada = await export("ada")
    assert [r["blocked_user_id"] for r in ada["match_blocks"]] == ["cy"]
    assert [r["status"] for r in ada["match_participation"]] == ["active"]
    assert [r["met"] for r in ada["match_groups"]] == [True]
    assert (await export("cy"))["match_blocks"] == []
    confirm = reply(await cohort.dispatcher.run_line(caller("ada"), "forget-me")).actions[0]
    await cohort.dispatcher.run_line(caller("ada"), confirm.command)
    async with cohort.db.read() as conn:
        left = {
            table.name: await conn.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (match_blocks, match_members, match_group_members)
        }
    # cy, blocked from ada's group, had no match; bob and cy remain.
    assert left == {"match_blocks": 0, "match_members": 2, "match_group_members": 1}


async def test_the_intro_names_each_members_first_unfinished_milestone(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    await _say(cohort, "ada", "done python-fluency")
    await _say(cohort, "ada", "done dev-environment")
    await _say(cohort, "bob", "done dev-environment")
    delivered = await _round(cohort, clock)
    (intro,) = [m for m in delivered if m.key.startswith("match:")]
    ada = next(i for i in intro.reply.items if "ada" in i)
    bob = next(i for i in intro.reply.items if "bob" in i)
    assert "working on *Use Git and GitHub every day*" in ada
    assert "working on *Write idiomatic Python*" in bob


async def test_the_preview_counts_groups_by_their_real_size(cohort: Cohort) -> None:
    await _community(cohort, *((name, BERLIN) for name in ("ada", "bob", "cy", "dee", "eve")))
    shown = await _org(cohort, "match preview")
    assert "5 members in the pool make 2 groups (1 of 2 and 1 of 3) in peers mode" in shown
    assert "group(s)" not in shown
    ran = await _org(cohort, "match run")
    assert "Made the round of 2026-W49: 2 groups (1 of 2 and 1 of 3)" in ran


async def test_a_member_paused_over_the_next_round_is_not_told_they_are_in(
    cohort: Cohort,
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    await _say(cohort, "ada", "pause until:2026-12-14")
    paused = await _say(cohort, "ada", "match")
    assert "paused until 2026-12-14" in paused
    assert "you're in" not in paused
    assert "Next round: not for you: you're paused" in paused
    assert "the next round introduces you" not in paused
    await _say(cohort, "bob", "pause until:2026-11-30")  # ends before Tuesday's round
    assert "Next round: you're in" in await _say(cohort, "bob", "match")


async def test_match_shows_the_focus_it_uses_as_interests(cohort: Cohort) -> None:
    await _community(cohort)
    await _say(cohort, "ada", 'join focus:"NLP, vision"')
    joined = await _say(cohort, "ada", "match join")
    assert "Interests: nlp, vision (your profile's focus)" in joined
    assert "Interests: nlp, vision (your profile's focus)" in await _say(cohort, "ada", "match")
    await _say(cohort, "ada", 'match join interests:"rag"')
    assert "Interests: rag" in await _say(cohort, "ada", "match")


async def test_match_join_warns_when_no_round_can_run(cohort: Cohort) -> None:
    await _say(cohort, "ada", "join")
    warned = await _say(cohort, "ada", "match join")
    assert "no matchups channel is set" in warned
    await cohort.dispatcher.run_line(ORGANIZER, "setup matchups:#matchups")
    assert "no matchups channel" not in await _say(cohort, "ada", "match join")


async def test_a_late_scheduled_round_is_dated_at_its_occurrence(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, ("ada", BERLIN), ("bob", BERLIN))
    clock.set(TUESDAY_10 + timedelta(hours=3))  # Cohort was offline; the catch-up runs it
    await cohort.scheduler.tick()
    async with cohort.db.read() as conn:
        made = await store.round_of_week(conn, 1, "2026-W49")
        follow_up = await conn.scalar(
            sa.select(outbox.c.next_attempt_at).where(outbox.c.key == "match-met:1:2026-W49:1")
        )
    assert made is not None
    assert made.created_at == TUESDAY_10
    assert follow_up == TUESDAY_10 + timedelta(days=5)


async def test_an_organizer_joining_without_a_matchups_channel_gets_the_fix(
    cohort: Cohort,
) -> None:
    here = replace(ORGANIZER, channel_id="C-lounge")
    await _say(cohort, "ada", "join")
    member = reply(await cohort.dispatcher.run_line(caller("ada"), "match join"))
    assert "until an organizer sets one" in member.body
    assert member.actions == ()
    await cohort.dispatcher.run_line(here, "join")
    answer = reply(await cohort.dispatcher.run_line(here, "match join"))
    assert "until you set one" in answer.body
    fix = answer.actions[0]
    assert fix.command == "setup matchups:C-lounge"
    reply(await cohort.dispatcher.run_line(here, fix.command))
    assert not reply(await cohort.dispatcher.run_line(here, "match join")).actions
