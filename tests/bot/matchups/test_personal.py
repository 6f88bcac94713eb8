"""What the matchups feature holds about a member: the export has their participation, the
blocks they set and their groups (never who blocked them); erasure removes their rows and
the blocks they set, keeps blocks set on them under a fingerprint (so a block still holds if
they come back), while their group, its other members and their pending follow-up stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.feature import Erasure, MemberData
from bot.matchups.feature import FEATURE
from bot.matchups.personal import block_fingerprint
from bot.matchups.service import MatchService
from bot.members.model import Member
from bot.replies import decode
from bot.storage.tables import (
    match_blocks,
    match_group_members,
    match_groups,
    match_members,
    members,
    outbox,
)
from tests.fakes.sender import RecordingSender
from tests.support import caller, member_of, table_rows, text_of

ORGANIZER = caller("org", admin=True)
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # the default matchups time, in W49


async def _say(cohort: Cohort, user: str, line: str) -> str:
    return text_of(await cohort.dispatcher.run_line(caller(user), line))


async def _round(cohort: Cohort, clock: ManualClock) -> None:
    """ada, bob, cy and dee in Berlin; ada blocks cy, cy blocks ada and dee blocks bob, so
    the round makes two pairs: ada with bob or dee. ada says they met."""
    await cohort.dispatcher.run_line(ORGANIZER, "setup matchups:#matchups")
    for name in ("ada", "bob", "cy", "dee"):
        await _say(cohort, name, "join timezone:Europe/Berlin")
        await _say(cohort, name, "match join")
    await _say(cohort, "ada", 'match join interests:"ada-likes-rag"')
    await _say(cohort, "ada", "match block member:cy")
    await _say(cohort, "cy", "match block member:ada")
    await _say(cohort, "dee", "match block member:bob")
    clock.set(TUESDAY_10 + timedelta(seconds=20))
    await cohort.scheduler.tick()
    await cohort.drainer(RecordingSender()).drain()
    await _say(cohort, "ada", "match met round:1 answer:yes")


def _data(cohort: Cohort) -> MemberData:
    assert FEATURE.member_data is not None
    return FEATURE.member_data(cohort.services.get(MatchService))


async def _groupmate(cohort: Cohort, member: Member) -> str:
    """The user id of the member's groupmate in round 1."""
    ids = {m.id: m.user_id for m in [await member_of(cohort, u) for u in ("bob", "dee")]}
    seats = await table_rows(cohort, match_group_members)
    group = next(s["group_id"] for s in seats if s["member_id"] == member.id)
    (mate,) = [
        ids[s["member_id"]] for s in seats if s["group_id"] == group and s["member_id"] in ids
    ]
    return mate


async def test_the_export_holds_participation_blocks_set_and_groups_but_not_blocks_received(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _round(cohort, clock)
    ada = await member_of(cohort, "ada")
    async with cohort.db.read() as tx:
        export = await _data(cohort).export_member(tx, ada)
    (taking_part,) = export["match_participation"]
    assert taking_part["status"] == "active"
    assert taking_part["interests"] == "ada-likes-rag"
    assert [b["blocked_user_id"] for b in export["match_blocks"]] == ["cy"]  # not cy's block
    (group,) = export["match_groups"]
    assert (group["week"], group["met"], group["round"]) == ("2026-W49", True, 1)
    assert isinstance(group["answered_at"], str)  # JSON-able


async def test_erasing_a_member_leaves_their_group_and_its_other_members_intact(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _round(cohort, clock)
    ada = await member_of(cohort, "ada")
    mate = await _groupmate(cohort, ada)
    groups_before = await table_rows(cohort, match_groups)
    async with cohort.db.write() as tx:
        await _data(cohort).erase_member(tx, Erasure(ada))
    assert all(r["member_id"] != ada.id for r in await table_rows(cohort, match_members))
    assert len(await table_rows(cohort, match_members)) == 3
    blocks = await table_rows(cohort, match_blocks)
    assert {(r["member_id"], r["blocked_user_id"]) for r in blocks} == {
        ((await member_of(cohort, "dee")).id, "bob"),  # a block between two others stays
        ((await member_of(cohort, "cy")).id, block_fingerprint(ada.community_id, "ada")),
    }
    assert "ada" not in repr(blocks)
    seats = await table_rows(cohort, match_group_members)
    assert all(s["member_id"] != ada.id for s in seats)
    assert len(seats) == 3
    assert await table_rows(cohort, match_groups) == groups_before
    assert "ada-likes-rag" not in repr(await table_rows(cohort, match_members))
    # The groupmate's follow-up is still due, and they can still answer and see their round.
    async with cohort.db.read() as tx:
        pending = await tx.scalar(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(outbox.c.key.like("match-met:%"), outbox.c.status == "pending")
        )
    assert pending == 2
    assert "marked as met" in await _say(cohort, mate, "match met round:1 answer:yes")
    status = await _say(cohort, mate, "match status")
    assert "Your match of 2026-W49" in status
    assert "ada" not in status
    async with cohort.db.read() as tx:
        assert (
            await tx.scalar(sa.select(sa.func.count()).select_from(members)) == 4
        )  # the member row is not ours


async def test_a_member_forgotten_from_a_group_does_not_stop_the_next_round(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _round(cohort, clock)
    ada = await member_of(cohort, "ada")
    async with cohort.db.write() as tx:
        await _data(cohort).erase_member(tx, Erasure(ada))
    clock.set(TUESDAY_10 + timedelta(weeks=1, seconds=20))
    await cohort.scheduler.tick()
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    intros = [m for m in sender.delivered if m.key.startswith("match:1:2026-W50")]
    assert {u for m in intros for u in m.target.user_ids} <= {"bob", "cy", "dee"}
    assert intros


async def test_the_strings_erasure_names_cover_the_member_in_their_groups_posts(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _round(cohort, clock)
    ada = await member_of(cohort, "ada")
    async with cohort.db.read() as tx:
        payloads = list(
            await tx.scalars(
                sa.select(outbox.c.payload).where(
                    outbox.c.key.like("match%"), outbox.c.user_ids.contains("ada")
                )
            )
        )
    posts = [decode(p) for p in payloads]
    shown = "\n".join(t for r in posts for t in (r.body, *r.items))
    assert len(posts) == 2  # her group's intro and its follow-up
    assert "<@ada>" in shown
    erasure = Erasure(ada)
    async with cohort.db.write() as tx:
        await _data(cohort).erase_member(tx, erasure)
    for text in erasure.strings:
        shown = shown.replace(text, "[redacted]")
    assert "ada" not in shown
    assert "<@" in shown  # the groupmate is still named


async def test_a_block_on_a_forgotten_member_holds_when_they_come_back(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _round(cohort, clock)
    ada = await member_of(cohort, "ada")
    code = (await cohort.dispatcher.run_line(caller("ada"), "forget-me")).actions[0].command
    await cohort.dispatcher.run_line(caller("ada"), code)
    assert "ada" not in repr(await table_rows(cohort, match_blocks))
    await _say(cohort, "ada", "join timezone:Europe/Berlin")
    await _say(cohort, "ada", "match join")
    cy = await member_of(cohort, "cy")
    blocked_by_cy = [
        r["blocked_user_id"]
        for r in await table_rows(cohort, match_blocks)
        if r["member_id"] == cy.id
    ]
    assert blocked_by_cy == ["ada"]
    assert await member_of(cohort, "ada") != ada  # a new membership, the old block still holds
