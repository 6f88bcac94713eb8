"""Data ownership: the export holds every member-owned row, forget-me deletes them all."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Target, enqueue
from bot.privacy.store import member_tables
from bot.replies import Reply, Tone, decode, encode
from bot.storage.tables import (
    challenge_posts,
    kudos,
    members,
    metadata,
    outbox,
    reviews,
    submissions,
)
from tests.bot.stepping import step_until
from tests.support import COMMUNITY, caller, reply


async def _run(cohort: Cohort, line: str, user: str = "ada") -> Reply:
    answer = reply(await cohort.dispatcher.run_line(caller(user), line))
    assert answer.tone is not Tone.ERROR, answer.body
    return answer


async def _member_id(cohort: Cohort, user: str) -> int:
    community = await cohort.communities.resolve(COMMUNITY)
    member = await cohort.members.find(community.id, user)
    assert member is not None
    return member.id


async def _life(cohort: Cohort, clock: ManualClock, user: str) -> None:
    """A bit of everything: a check-in, a milestone, a goal, a pause, a reminder sent."""
    await _run(cohort, "join timezone:UTC", user)
    await _run(cohort, 'checkin hours:3 done:"week one"', user)
    await _run(cohort, "done git-daily", user)
    await _run(cohort, "goal add text:ship", user)


async def _challenge_rows(cohort: Cohort, clock: ManualClock, author: int, reviewer: int) -> None:
    now = clock.now()
    async with cohort.db.write() as conn:
        community_id = await conn.scalar(sa.select(members.c.community_id).limit(1))
        post_id = (
            await conn.execute(
                challenge_posts.insert()
                .values(
                    community_id=community_id, challenge_id="c1", posted_at=now, deadline_at=now
                )
                .returning(challenge_posts.c.id)
            )
        ).scalar_one()
        submission_id = (
            await conn.execute(
                submissions.insert()
                .values(
                    post_id=post_id,
                    member_id=author,
                    link="https://example.org",
                    submitted_at=now,
                    updated_at=now,
                )
                .returning(submissions.c.id)
            )
        ).scalar_one()
        await conn.execute(
            reviews.insert().values(
                submission_id=submission_id,
                reviewer_id=reviewer,
                score=4,
                comment="nice",
                created_at=now,
            )
        )
        await conn.execute(
            kudos.insert().values(submission_id=submission_id, member_id=reviewer, created_at=now)
        )


async def _owned_counts(cohort: Cohort, member_id: int) -> dict[str, int]:
    counts = {}
    async with cohort.db.read() as conn:
        for table, columns in member_tables():
            owned = sa.or_(*(c == member_id for c in columns))
            counts[table.name] = int(
                await conn.scalar(sa.select(sa.func.count()).select_from(table).where(owned)) or 0
            )
    return counts


def test_every_table_that_references_members_deletes_with_them() -> None:
    found = [
        (table.name, fk.parent.name, fk.ondelete)
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is members.c.id
    ]
    assert {name for name, _, _ in found} >= {
        "checkins",
        "streaks",
        "pauses",
        "milestone_completions",
        "goals",
        "submissions",
        "reviews",
        "kudos",
    }
    assert [f for f in found if f[2] != "CASCADE"] == []


async def test_the_export_holds_every_row_of_the_member_and_nobody_elses(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _life(cohort, clock, "ada")
    await _life(cohort, clock, "bob")
    await _run(cohort, "pause until:2026-12-14")
    await step_until(cohort, clock, clock.now() + timedelta(days=7, hours=6))  # bob's reminder
    ada, bob = await _member_id(cohort, "ada"), await _member_id(cohort, "bob")
    await _challenge_rows(cohort, clock, author=bob, reviewer=ada)
    answer = await _run(cohort, "export")
    assert answer.attachment is not None
    assert answer.attachment.media_type == "application/json"
    document: dict[str, Any] = json.loads(answer.attachment.data)
    assert document["member"]["user_id"] == "ada"
    tables = document["tables"]
    assert [r["done"] for r in tables["checkins"]] == ["week one"]
    assert [r["milestone_id"] for r in tables["milestone_completions"]] == ["git-daily"]
    assert [r["text"] for r in tables["goals"]] == ["ship"]
    assert len(tables["pauses"]) == 1
    assert len(tables["reviews"]) == 1
    assert len(tables["kudos"]) == 1
    assert tables["submissions"] == []  # bob's, not ada's
    assert document["messages_to_you"] == []  # ada was paused: no reminder
    bob_export = json.loads((await _run(cohort, "export", "bob")).attachment.data)  # type: ignore[union-attr]
    assert [m["key"] for m in bob_export["messages_to_you"]] == [f"nudge:1:{bob}:2026-W49"]
    assert bob_export["messages_to_you"][0]["payload"]["title"] == "Your 1-week streak is waiting"


async def test_the_export_travels_through_the_outbox_encoding(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _life(cohort, clock, "ada")
    answer = await _run(cohort, "export")
    assert decode(encode(answer)) == answer


async def test_forget_me_asks_first_then_deletes_everything_of_the_member(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _life(cohort, clock, "ada")
    await _life(cohort, clock, "bob")
    await step_until(cohort, clock, clock.now() + timedelta(days=7, hours=6))
    ada, bob = await _member_id(cohort, "ada"), await _member_id(cohort, "bob")
    await _challenge_rows(cohort, clock, author=ada, reviewer=bob)
    await _challenge_rows(cohort, clock, author=bob, reviewer=ada)
    await _run(cohort, "leave")  # leaving keeps it all, until forget-me
    preview = await _run(cohort, "forget-me")
    assert preview.tone is Tone.WARNING
    assert "1 in checkins" in preview.body
    action = preview.actions[0]
    wrong = reply(await cohort.dispatcher.run_line(caller(), "forget-me confirm:abcdef"))
    assert "does not match" in wrong.body
    bob_before = await _owned_counts(cohort, bob)
    await _run(cohort, action.command)
    assert set((await _owned_counts(cohort, ada)).values()) == {0}
    after = await _owned_counts(cohort, bob)
    assert after["checkins"] == bob_before["checkins"] == 1
    assert after["reviews"] == bob_before["reviews"] - 1  # the review of ada's submission went
    async with cohort.db.read() as conn:
        targets = [r.user_ids for r in await conn.execute(sa.select(outbox.c.user_ids))]
    assert "ada" not in targets
    assert "bob" in targets
    assert (
        "holds no data about you"
        in reply(await cohort.dispatcher.run_line(caller(), "export")).body
    )
    rejoined = await _run(cohort, "join")
    assert "Welcome aboard" in rejoined.body


async def test_forget_me_also_deletes_group_messages_the_member_was_in(cohort: Cohort) -> None:
    for user in ("ada", "bob"):
        await _run(cohort, "join", user)
    community = await cohort.communities.resolve(COMMUNITY)
    async with cohort.db.write() as conn:
        for key, users in (("intro", ("bob", "ada")), ("other", ("bob", "adam"))):
            await enqueue(
                conn,
                community=community,
                key=key,
                target=Target.group("matchups", users),
                reply=Reply(body="Meet each other"),
                now=cohort.clock.now(),
            )
    export = (await _run(cohort, "export")).attachment
    assert export is not None
    assert [m["key"] for m in json.loads(export.data)["messages_to_you"]] == ["intro"]
    preview = await _run(cohort, "forget-me")
    await _run(cohort, preview.actions[0].command)
    async with cohort.db.read() as conn:
        keys = [r.key for r in await conn.execute(sa.select(outbox.c.key))]
    assert keys == ["other"]  # "adam" is not "ada"


async def test_forget_me_and_export_for_a_member_with_no_data_say_so_plainly(
    cohort: Cohort,
) -> None:
    await _run(cohort, "join")
    preview = await _run(cohort, "forget-me")
    assert "besides your membership" not in preview.body
    assert preview.body.startswith(
        "This deletes your membership; Cohort holds nothing else about you here."
    )
    exported = await _run(cohort, "export")
    assert "no rows" not in exported.body
    assert "your profile, plus the messages it sent you" in exported.body
