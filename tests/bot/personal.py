"""Helpers for the accountability features' privacy tests: two members with a bit of
everything, a feature's export and erase run in one transaction, and what a table still
holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import sqlalchemy as sa

from bot.app import Cohort
from bot.feature import Erasure, MemberData, Record
from bot.members.model import Member
from tests.support import COMMUNITY, ok

ADA_WORDS = ("Ada-finished-the-parser", "Ada-plans-embeddings", "Ada-stuck-on-CUDA")
BOB_WORDS = ("Bob-read-chapter-two", "Bob-plans-more", "Bob-waits-for-a-GPU")
ADA_GOAL = "Ada-ships-a-RAG-demo"
BOB_GOAL = "Bob-writes-a-tokenizer"
ADA_EVIDENCE = "https://github.com/ada/secret-exercises"
BOB_EVIDENCE = "https://github.com/bob/exercises"
H = TypeVar("H")


async def two_members(cohort: Cohort) -> tuple[Member, Member]:
    """Ada and Bob, both organizers, each with a check-in, a tick with evidence, a goal, a
    pause and a holiday week they declared."""
    for user, words, goal, evidence, week in (
        ("ada", ADA_WORDS, ADA_GOAL, ADA_EVIDENCE, "2026-12-21"),
        ("bob", BOB_WORDS, BOB_GOAL, BOB_EVIDENCE, "2026-12-28"),
    ):
        done, next_steps, blockers = words
        await ok(cohort, "join timezone:Europe/Berlin", user, admin=True)
        checkin = (
            f"checkin hours:4 done:{done} next:{next_steps} blockers:{blockers} "
            "milestones:python-fluency"
        )
        await ok(cohort, checkin, user, admin=True)
        await ok(cohort, f"done git-daily evidence:{evidence}", user, admin=True)
        await ok(cohort, f'goal add text:"{goal}" due:2026-12-31', user, admin=True)
        await ok(cohort, "pause until:2026-12-14", user, admin=True)
        await ok(cohort, f"holiday add {week}", user, admin=True)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    ada = await cohort.members.find(community.id, "ada")
    bob = await cohort.members.find(community.id, "bob")
    assert ada is not None
    assert bob is not None
    return ada, bob


def holder(cohort: Cohort, kind: type[H]) -> H:
    """The feature's member data as the running core registered it."""
    return next(h for _, h in cohort.services.member_data() if isinstance(h, kind))


async def export(cohort: Cohort, data: MemberData, member: Member) -> Mapping[str, list[Record]]:
    async with cohort.db.read() as tx:
        return await data.export_member(tx, member)


async def erase(cohort: Cohort, data: MemberData, member: Member) -> Erasure:
    erasure = Erasure(member)
    async with cohort.db.write() as tx:
        await data.erase_member(tx, erasure)
    return erasure


async def table_text(cohort: Cohort, table: sa.Table) -> str:
    """Every value of every row of a table, as one text to search."""
    async with cohort.db.read() as tx:
        rows = (await tx.execute(sa.select(table))).all()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


async def member_rows(cohort: Cohort, table: sa.Table, member_id: int) -> int:
    async with cohort.db.read() as tx:
        count = await tx.scalar(
            sa.select(sa.func.count()).select_from(table).where(table.c.member_id == member_id)
        )
    return int(count or 0)
