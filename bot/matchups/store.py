"""Queries for matchups: settings, participants, blocks, rounds, groups and answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from bot.matchups.pairing import Group, Mode
from bot.members.model import Member
from bot.storage.tables import (
    checkins,
    match_blocks,
    match_group_members,
    match_groups,
    match_members,
    match_rounds,
    match_settings,
    members,
    milestone_completions,
)
from bot.storage.transaction import Transaction

CHUNK = 500  # ids per IN (...) list, well under every driver's parameter limit


class Status(StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    IDLE = "idle"  # paused by Cohort after rounds went unanswered


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """A community's matchup settings; the defaults until an organizer changes them."""

    cadence: str = "weekly"  # weekly | biweekly
    size: int = 2
    mode: Mode = Mode.PEERS


@dataclass(frozen=True, slots=True)
class Participant:
    member_id: int
    status: Status
    interests: tuple[str, ...]
    share_blockers: bool
    skip_next: bool
    ignored: int


@dataclass(frozen=True, slots=True)
class Entry:
    """An active participant with their membership."""

    member: Member
    participant: Participant


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    community_id: int
    week: str
    week_start: date
    size: int
    mode: str
    pool: int
    repeats: int
    repeats_avoided: int
    settled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Seat:
    """A member in a stored group."""

    group_id: int
    number: int
    member_id: int
    user_id: str
    display_name: str
    odd: bool
    met: bool | None


@dataclass(frozen=True, slots=True)
class Totals:
    rounds: int
    groups: int
    participants: int
    answers: int
    met: int
    repeats: int
    repeats_avoided: int


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def join_interests(interests: Iterable[str]) -> str:
    return ", ".join(interests)


def split_interests(text: str) -> tuple[str, ...]:
    return tuple(i.strip() for i in text.split(",") if i.strip())


# -- settings --------------------------------------------------------------------------------


async def settings(tx: Transaction, community_id: int) -> MatchSettings:
    row = (
        await tx.execute(
            sa.select(match_settings).where(match_settings.c.community_id == community_id)
        )
    ).one_or_none()
    if row is None:
        return MatchSettings()
    return MatchSettings(row.cadence, row.size, Mode(row.mode))


async def save_settings(tx: Transaction, community_id: int, chosen: MatchSettings) -> None:
    values = {
        "community_id": community_id,
        "cadence": chosen.cadence,
        "size": chosen.size,
        "mode": chosen.mode.value,
    }
    await tx.execute(tx.upsert(match_settings, values, ("community_id",)))


# -- participants and blocks -----------------------------------------------------------------


def _member(row: sa.Row[Any]) -> Member:
    return Member(**{f.name: getattr(row, f.name) for f in fields(Member)})


_PARTICIPANT = (
    match_members.c.member_id,
    match_members.c.status,
    match_members.c.interests,
    match_members.c.share_blockers,
    match_members.c.skip_next,
    match_members.c.ignored,
)


def _participant(row: sa.Row[Any]) -> Participant:
    return Participant(
        member_id=row.member_id,
        status=Status(row.status),
        interests=split_interests(row.interests),
        share_blockers=row.share_blockers,
        skip_next=row.skip_next,
        ignored=row.ignored,
    )


async def participant(tx: Transaction, member_id: int) -> Participant | None:
    row = (
        await tx.execute(sa.select(match_members).where(match_members.c.member_id == member_id))
    ).one_or_none()
    return None if row is None else _participant(row)


async def save_participant(tx: Transaction, member_id: int, **values: Any) -> None:
    """Insert the member's participation, or update the given columns of it."""
    await tx.execute(tx.upsert(match_members, {"member_id": member_id, **values}, ("member_id",)))


async def update_participant(tx: Transaction, member_id: int, **values: Any) -> None:
    await tx.execute(
        match_members.update().where(match_members.c.member_id == member_id).values(**values)
    )


def _in_community(community_id: int) -> sa.ColumnElement[bool]:
    return match_members.c.member_id.in_(
        sa.select(members.c.id).where(members.c.community_id == community_id)
    )


async def active(tx: Transaction, community_id: int) -> list[Entry]:
    """Every participant who takes part in the next round unless paused or skipping."""
    rows = await tx.execute(
        sa.select(members, *_PARTICIPANT)
        .join(match_members, match_members.c.member_id == members.c.id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            match_members.c.status == Status.ACTIVE,
        )
        .order_by(members.c.id)
    )
    return [Entry(_member(r), _participant(r)) for r in rows]


async def count_active(tx: Transaction, community_id: int) -> int:
    found = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(match_members)
        .join(members, members.c.id == match_members.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            match_members.c.status == Status.ACTIVE,
        )
    )
    return int(found or 0)


async def clear_skips(tx: Transaction, community_id: int) -> None:
    await tx.execute(
        match_members.update()
        .where(match_members.c.skip_next.is_(True), _in_community(community_id))
        .values(skip_next=False)
    )


async def add_block(tx: Transaction, member_id: int, user_id: str, now: datetime) -> bool:
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            match_blocks,
            {"member_id": member_id, "blocked_user_id": user_id, "created_at": now},
        )
    )
    return bool(result.rowcount)


async def remove_block(tx: Transaction, member_id: int, user_id: str) -> bool:
    result = await tx.execute(
        match_blocks.delete().where(
            match_blocks.c.member_id == member_id, match_blocks.c.blocked_user_id == user_id
        )
    )
    return bool(result.rowcount)


async def blocked_pairs(tx: Transaction, community_id: int) -> set[tuple[int, int]]:
    """(blocker, blocked) member ids for every block between two members of the community."""
    blocker = members.alias("blocker")
    blocked = members.alias("blocked")
    rows = await tx.execute(
        sa.select(blocker.c.id.label("a"), blocked.c.id.label("b"))
        .select_from(match_blocks)
        .join(blocker, blocker.c.id == match_blocks.c.member_id)
        .join(
            blocked,
            sa.and_(
                blocked.c.community_id == blocker.c.community_id,
                blocked.c.user_id == match_blocks.c.blocked_user_id,
            ),
        )
        .where(blocker.c.community_id == community_id)
    )
    return {(r.a, r.b) for r in rows}


# -- rounds and groups -----------------------------------------------------------------------


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


async def add_round(tx: Transaction, **values: Any) -> int:
    new_id = await tx.scalar(match_rounds.insert().values(**values).returning(match_rounds.c.id))
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


async def count_ignored(tx: Transaction, engaged: Sequence[int], ignored: Sequence[int]) -> None:
    """Reset the ignored-rounds count of the engaged members and add one for the others."""
    for chunk in _chunks(engaged):
        await tx.execute(
            match_members.update().where(match_members.c.member_id.in_(chunk)).values(ignored=0)
        )
    for chunk in _chunks(ignored):
        await tx.execute(
            match_members.update()
            .where(match_members.c.member_id.in_(chunk))
            .values(ignored=match_members.c.ignored + 1)
        )


async def idle_out(tx: Transaction, community_id: int, after: int) -> list[Member]:
    """Pause every active participant who ignored `after` rounds in a row; returns them."""
    rows = await tx.execute(
        sa.select(members)
        .join(match_members, match_members.c.member_id == members.c.id)
        .where(
            members.c.community_id == community_id,
            match_members.c.status == Status.ACTIVE,
            match_members.c.ignored >= after,
        )
        .order_by(members.c.id)
    )
    found = [_member(r) for r in rows]
    for chunk in _chunks([m.id for m in found]):
        await tx.execute(
            match_members.update()
            .where(match_members.c.member_id.in_(chunk))
            .values(status=Status.IDLE)
        )
    return found


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


async def recent_blockers(tx: Transaction, community_id: int, since: date) -> dict[int, str]:
    """The blockers of each sharing participant's newest check-in since `since`, when that
    check-in named any."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, checkins.c.blockers)
        .join(match_members, match_members.c.member_id == checkins.c.member_id)
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            members.c.community_id == community_id,
            match_members.c.share_blockers.is_(True),
            checkins.c.week_start >= since,
        )
        .order_by(checkins.c.member_id, checkins.c.week_start.desc())
    )
    newest: dict[int, str] = {}
    for r in rows:
        newest.setdefault(r.member_id, r.blockers)
    return {member_id: text for member_id, text in newest.items() if text.strip()}


async def completed_milestones(tx: Transaction, community_id: int) -> dict[int, set[str]]:
    """The milestones each participant of the community completed, by member id."""
    rows = await tx.execute(
        sa.select(milestone_completions.c.member_id, milestone_completions.c.milestone_id)
        .join(match_members, match_members.c.member_id == milestone_completions.c.member_id)
        .join(members, members.c.id == milestone_completions.c.member_id)
        .where(members.c.community_id == community_id)
    )
    done: defaultdict[int, set[str]] = defaultdict(set)
    for r in rows:
        done[r.member_id].add(r.milestone_id)
    return done
