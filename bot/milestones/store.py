"""Queries for the milestones members completed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from bot.milestones.model import Completion
from bot.storage.chunks import chunks
from bot.storage.tables import members, milestone_completions
from bot.storage.transaction import Transaction


async def completed(tx: Transaction, member_id: int) -> dict[str, Completion]:
    """Every milestone the member completed, by milestone id."""
    rows = await tx.execute(
        sa.select(milestone_completions).where(milestone_completions.c.member_id == member_id)
    )
    return {r.milestone_id: Completion(r.milestone_id, r.evidence, r.completed_at) for r in rows}


def count_scores(community_id: int, since: datetime | None) -> sa.Subquery:
    """(member_id, score): how many milestones each member of a community completed from
    `since` (None: ever)."""
    table = milestone_completions
    since_then = () if since is None else (table.c.completed_at >= since,)
    return (
        sa.select(table.c.member_id, sa.func.count().label("score"))
        .join(members, members.c.id == table.c.member_id)
        .where(members.c.community_id == community_id, *since_then)
        .group_by(table.c.member_id)
        .subquery("scores")
    )


async def count_per_member(
    tx: Transaction, community_id: int, since: datetime | None
) -> dict[int, int]:
    """How many milestones each member of a community completed from `since` (None: ever)."""
    scores = count_scores(community_id, since)
    rows = await tx.execute(sa.select(scores.c.member_id, scores.c.score))
    return {r.member_id: int(r.score) for r in rows}


async def in_community(tx: Transaction, community_id: int) -> dict[int, set[str]]:
    """The milestone ids each member of a community completed, by member id."""
    table = milestone_completions
    rows = await tx.execute(
        sa.select(table.c.member_id, table.c.milestone_id)
        .join(members, members.c.id == table.c.member_id)
        .where(members.c.community_id == community_id)
    )
    done: dict[int, set[str]] = {}
    for r in rows:
        done.setdefault(r.member_id, set()).add(r.milestone_id)
    return done


async def dated_for(tx: Transaction, member_ids: Sequence[int]) -> dict[int, dict[str, datetime]]:
    """When each of these members completed each milestone, by member id."""
    table = milestone_completions
    done: dict[int, dict[str, datetime]] = {}
    for chunk in chunks(member_ids):
        rows = await tx.execute(
            sa.select(table.c.member_id, table.c.milestone_id, table.c.completed_at).where(
                table.c.member_id.in_(chunk)
            )
        )
        for r in rows:
            done.setdefault(r.member_id, {})[r.milestone_id] = r.completed_at
    return done


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    await tx.execute(
        milestone_completions.delete().where(milestone_completions.c.member_id == member_id)
    )


async def record(
    tx: Transaction,
    member_id: int,
    milestone_ids: Sequence[str],
    evidence: str | None,
    now: datetime,
) -> tuple[str, ...]:
    """Mark milestones completed; returns the ones that were not already. Evidence given
    for a milestone completed earlier replaces the old one."""
    earlier = await completed(tx, member_id)
    new = tuple(dict.fromkeys(i for i in milestone_ids if i not in earlier))
    if new:
        await tx.execute(
            milestone_completions.insert(),
            [
                {
                    "member_id": member_id,
                    "milestone_id": i,
                    "evidence": evidence,
                    "completed_at": now,
                }
                for i in new
            ],
        )
    again = [i for i in milestone_ids if i in earlier]
    if evidence is not None and again:
        await tx.execute(
            milestone_completions.update()
            .where(
                milestone_completions.c.member_id == member_id,
                milestone_completions.c.milestone_id.in_(again),
            )
            .values(evidence=evidence)
        )
    return new


async def rename(tx: Transaction, community_id: int, renamed: Mapping[str, str]) -> int:
    """Move the ticks the members of a community made under old milestone ids to the new
    ids; returns how many moved. A member who already ticked the new id keeps that tick, and
    the old one, now a duplicate, goes."""
    table = milestone_completions
    done_new = table.alias("done_new")
    in_community = sa.select(members.c.id).where(members.c.community_id == community_id)
    moved = 0
    for old, new in renamed.items():
        already = sa.select(done_new.c.member_id).where(done_new.c.milestone_id == new)
        result = await tx.execute(
            table.update()
            .where(
                table.c.milestone_id == old,
                table.c.member_id.in_(in_community),
                table.c.member_id.not_in(already),
            )
            .values(milestone_id=new)
        )
        moved += result.rowcount
        await tx.execute(
            table.delete().where(table.c.milestone_id == old, table.c.member_id.in_(in_community))
        )
    return moved


async def completed_in(tx: Transaction, community_id: int) -> dict[int, set[str]]:
    """The milestones each member of the community completed, by member id."""
    rows = await tx.execute(
        sa.select(milestone_completions.c.member_id, milestone_completions.c.milestone_id)
        .join(members, members.c.id == milestone_completions.c.member_id)
        .where(members.c.community_id == community_id)
    )
    done: dict[int, set[str]] = {}
    for r in rows:
        done.setdefault(r.member_id, set()).add(r.milestone_id)
    return done


async def completed_between(
    tx: Transaction, community_id: int, start: datetime, end: datetime
) -> list[tuple[int, str, datetime]]:
    """(member id, milestone id, when) of every milestone the community's members completed
    in [start, end)."""
    table = milestone_completions
    rows = await tx.execute(
        sa.select(table.c.member_id, table.c.milestone_id, table.c.completed_at)
        .join(members, members.c.id == table.c.member_id)
        .where(
            members.c.community_id == community_id,
            table.c.completed_at >= start,
            table.c.completed_at < end,
        )
        .order_by(table.c.member_id, table.c.milestone_id)
    )
    return [(r.member_id, r.milestone_id, r.completed_at) for r in rows]
