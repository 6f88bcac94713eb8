"""Queries for matchup rounds: the rounds, their groups and seats, the answers to "did you
meet?", the history that makes repeats cost, and the totals organizers see."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.matchups.model import Group, NewRound, Round, Seat, Totals
from bot.matchups.store.participants import count_active
from bot.storage.tables import match_group_members, match_groups, match_rounds, members
from bot.storage.transaction import Transaction


def _round(row: sa.Row[Any]) -> Round:
    return Round(
        id=row.id,
        community_id=row.community_id,
        week=row.week,
        week_start=row.week_start,
        size=row.size,
        mode=row.mode,
        pool=row.pool,
        repeats=row.repeats,
        repeats_avoided=row.repeats_avoided,
        settled=row.settled,
        created_at=row.created_at,
    )


async def round_of_week(tx: Transaction, community_id: int, week: str) -> Round | None:
    row = (
        await tx.execute(
            sa.select(match_rounds).where(
                match_rounds.c.community_id == community_id, match_rounds.c.week == week
            )
        )
    ).one_or_none()
    return None if row is None else _round(row)


async def latest_round(tx: Transaction, community_id: int) -> Round | None:
    row = (
        await tx.execute(
            sa.select(match_rounds)
            .where(match_rounds.c.community_id == community_id)
            .order_by(match_rounds.c.created_at.desc(), match_rounds.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else _round(row)


async def round_by_id(tx: Transaction, community_id: int, round_id: int) -> Round | None:
    row = (
        await tx.execute(
            sa.select(match_rounds).where(
                match_rounds.c.community_id == community_id, match_rounds.c.id == round_id
            )
        )
    ).one_or_none()
    return None if row is None else _round(row)


async def add_round(tx: Transaction, new: NewRound) -> int:
    new_id = await tx.scalar(
        match_rounds.insert()
        .values(
            community_id=new.community_id,
            week=new.week,
            week_start=new.week_start,
            size=new.size,
            mode=new.mode.value,
            pool=new.pool,
            repeats=new.repeats,
            repeats_avoided=new.repeats_avoided,
            created_at=new.created_at,
        )
        .returning(match_rounds.c.id)
    )
    if new_id is None:
        raise RuntimeError("the round's insert returned no id")
    return int(new_id)


async def add_groups(tx: Transaction, round_id: int, groups: Sequence[Group]) -> None:
    """Store a round's groups (of member ids), numbered from 1 in order."""
    if not groups:
        return
    await tx.execute(
        match_groups.insert(),
        [{"round_id": round_id, "number": n, "score": g.score} for n, g in enumerate(groups, 1)],
    )
    rows = await tx.execute(
        sa.select(match_groups.c.id, match_groups.c.number).where(
            match_groups.c.round_id == round_id
        )
    )
    ids = {r.number: r.id for r in rows}
    await tx.execute(
        match_group_members.insert(),
        [
            {"group_id": ids[n], "member_id": m, "odd": m in g.odd}
            for n, g in enumerate(groups, 1)
            for m in g.members
        ],
    )


def _seats_query() -> sa.Select[Any]:
    return (
        sa.select(
            match_groups.c.id.label("group_id"),
            match_groups.c.number,
            match_groups.c.round_id,
            match_group_members.c.member_id,
            match_group_members.c.odd,
            match_group_members.c.met,
            members.c.user_id,
            members.c.display_name,
        )
        .join(match_group_members, match_group_members.c.group_id == match_groups.c.id)
        .join(members, members.c.id == match_group_members.c.member_id)
    )


def _seat(row: sa.Row[Any]) -> Seat:
    return Seat(
        group_id=row.group_id,
        number=row.number,
        member_id=row.member_id,
        user_id=row.user_id,
        display_name=row.display_name,
        odd=row.odd,
        met=row.met,
    )


async def seats(tx: Transaction, round_id: int) -> list[Seat]:
    """Everyone in a round's groups, by group number, then member id."""
    rows = await tx.execute(
        _seats_query()
        .where(match_groups.c.round_id == round_id)
        .order_by(match_groups.c.number, match_group_members.c.member_id)
    )
    return [_seat(r) for r in rows]


async def latest_group(tx: Transaction, member_id: int) -> tuple[Round, list[Seat]] | None:
    """The newest round the member was grouped in, with everyone in their group."""
    row = (
        await tx.execute(
            sa.select(match_rounds, match_groups.c.id.label("group_id"))
            .join(match_groups, match_groups.c.round_id == match_rounds.c.id)
            .join(match_group_members, match_group_members.c.group_id == match_groups.c.id)
            .where(match_group_members.c.member_id == member_id)
            .order_by(match_rounds.c.week_start.desc())
            .limit(1)
        )
    ).one_or_none()
    if row is None:
        return None
    rows = await tx.execute(
        _seats_query()
        .where(match_groups.c.id == row.group_id)
        .order_by(match_group_members.c.member_id)
    )
    return _round(row), [_seat(r) for r in rows]


async def history(
    tx: Transaction, community_id: int, since: date, before: date
) -> dict[tuple[int, int], date]:
    """When each pair of members was last grouped, in rounds of weeks [since, before)."""
    rows = await tx.execute(
        sa.select(
            match_group_members.c.group_id,
            match_group_members.c.member_id,
            match_rounds.c.week_start,
        )
        .join(match_groups, match_groups.c.id == match_group_members.c.group_id)
        .join(match_rounds, match_rounds.c.id == match_groups.c.round_id)
        .where(
            match_rounds.c.community_id == community_id,
            match_rounds.c.week_start >= since,
            match_rounds.c.week_start < before,
        )
        .order_by(match_group_members.c.group_id, match_group_members.c.member_id)
    )
    by_group: dict[int, tuple[date, list[int]]] = {}
    for r in rows:
        by_group.setdefault(r.group_id, (r.week_start, []))[1].append(r.member_id)
    last: dict[tuple[int, int], date] = {}
    for week, ids in by_group.values():
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                if last.get((a, b), date.min) < week:
                    last[(a, b)] = week
    return last


async def previous_odd(tx: Transaction, community_id: int, before: date) -> set[int]:
    """Who was the odd one in the newest round before the week starting `before`."""
    newest = (
        sa.select(match_rounds.c.id)
        .where(match_rounds.c.community_id == community_id, match_rounds.c.week_start < before)
        .order_by(match_rounds.c.week_start.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = await tx.execute(
        sa.select(match_group_members.c.member_id)
        .join(match_groups, match_groups.c.id == match_group_members.c.group_id)
        .where(match_groups.c.round_id == newest, match_group_members.c.odd.is_(True))
    )
    return {r.member_id for r in rows}


async def unsettled(tx: Transaction, community_id: int) -> list[Round]:
    rows = await tx.execute(
        sa.select(match_rounds)
        .where(match_rounds.c.community_id == community_id, match_rounds.c.settled.is_(False))
        .order_by(match_rounds.c.week_start)
    )
    return [_round(r) for r in rows]


async def mark_settled(tx: Transaction, round_id: int) -> None:
    await tx.execute(
        match_rounds.update().where(match_rounds.c.id == round_id).values(settled=True)
    )


async def answer(tx: Transaction, round_id: int, member_id: int, met: bool, now: datetime) -> bool:
    """Record the member's answer for a round; False when they were not grouped in it."""
    groups = sa.select(match_groups.c.id).where(match_groups.c.round_id == round_id)
    result = await tx.execute(
        match_group_members.update()
        .where(
            match_group_members.c.member_id == member_id,
            match_group_members.c.group_id.in_(groups),
        )
        .values(met=met, answered_at=now)
    )
    return bool(result.rowcount)


async def totals(tx: Transaction, community_id: int) -> Totals:
    rounds = (
        await tx.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(match_rounds.c.repeats), 0),
                sa.func.coalesce(sa.func.sum(match_rounds.c.repeats_avoided), 0),
            ).where(match_rounds.c.community_id == community_id)
        )
    ).one()
    in_community = match_groups.c.round_id.in_(
        sa.select(match_rounds.c.id).where(match_rounds.c.community_id == community_id)
    )
    groups = await tx.scalar(
        sa.select(sa.func.count()).select_from(match_groups).where(in_community)
    )
    answers = (
        await tx.execute(
            sa.select(
                sa.func.count(match_group_members.c.met),
                sa.func.coalesce(
                    sa.func.sum(sa.case((match_group_members.c.met.is_(True), 1), else_=0)), 0
                ),
            )
            .join(match_groups, match_groups.c.id == match_group_members.c.group_id)
            .where(in_community)
        )
    ).one()
    return Totals(
        rounds=int(rounds[0]),
        groups=int(groups or 0),
        participants=await count_active(tx, community_id),
        answers=int(answers[0]),
        met=int(answers[1]),
        repeats=int(rounds[1]),
        repeats_avoided=int(rounds[2]),
    )


async def meetings_of(
    tx: Transaction, member_ids: Collection[int]
) -> dict[int, list[tuple[int, datetime]]]:
    """(group id, when they said so) for every matchup each of these members said they met
    in, oldest first, by member (those with none are left out)."""
    seats = match_group_members.c
    rows = await tx.execute(
        sa.select(seats.member_id, seats.group_id, seats.answered_at)
        .where(
            seats.member_id.in_(list(member_ids)),
            seats.met.is_(True),
            seats.answered_at.is_not(None),
        )
        .order_by(seats.answered_at, seats.group_id)
    )
    found: dict[int, list[tuple[int, datetime]]] = {}
    for r in rows:
        found.setdefault(r.member_id, []).append((r.group_id, r.answered_at))
    return found
