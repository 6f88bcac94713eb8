"""Queries for check-ins and the kept totals of each member.

The `streaks` row of a member holds their kept totals: the streak as judged through a week
(their newest check-in week, or a later closed week once the leaderboards have settled it),
their check-in count, hours and newest week. It is written in the same transaction as every
check-in; readers carry the streak forward to today with :func:`bot.checkins.streaks.settle`.
It exists exactly when the member has check-ins.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from bot.checkins.model import Cached, Checkin
from bot.checkins.streaks import Streak
from bot.storage.chunks import chunks
from bot.storage.tables import checkin_weeks, checkins, members, streak_spares, streaks
from bot.storage.transaction import Transaction


def _checkin(row: sa.Row[Any]) -> Checkin:
    return Checkin(
        member_id=row.member_id,
        week=row.week_start,
        done=row.done,
        hours=row.hours,
        next_steps=row.next_steps,
        blockers=row.blockers,
        blocker_subject=row.blocker_subject,
        milestone_ids=tuple(i for i in row.milestone_ids.split(",") if i),
        confidence=row.confidence,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def get(tx: Transaction, member_id: int, week: date) -> Checkin | None:
    row = (
        await tx.execute(
            sa.select(checkins).where(
                checkins.c.member_id == member_id, checkins.c.week_start == week
            )
        )
    ).one_or_none()
    return None if row is None else _checkin(row)


async def this_week(
    tx: Transaction, member_id: int, week: date
) -> tuple[Checkin | None, Cached | None]:
    """The member's check-in for a week and their cached streak, in one round trip."""
    query = (
        sa.select(
            checkins,
            streaks.c.through_week,
            streaks.c.current_weeks,
            streaks.c.best_weeks,
            streaks.c.freezes,
            streaks.c.checkins.label("kept_checkins"),
            streaks.c.hours.label("kept_hours"),
            streaks.c.last_week,
        )
        .select_from(members)
        .outerjoin(streaks, streaks.c.member_id == members.c.id)
        .outerjoin(
            checkins, sa.and_(checkins.c.member_id == members.c.id, checkins.c.week_start == week)
        )
        .where(members.c.id == member_id)
    )
    row = (await tx.execute(query)).one()
    existing = None if row.week_start is None else _checkin(row)
    if row.through_week is None:
        return existing, None
    streak = Streak(row.current_weeks, row.best_weeks, row.freezes)
    kept = Cached(row.through_week, streak, row.kept_checkins, row.kept_hours, row.last_week)
    return existing, kept


async def hours_by_week(tx: Transaction, member_id: int) -> dict[date, int]:
    """Every week the member checked in, with the hours they gave."""
    rows = await tx.execute(
        sa.select(checkins.c.week_start, checkins.c.hours).where(checkins.c.member_id == member_id)
    )
    return {r.week_start: r.hours for r in rows}


async def save(tx: Transaction, checkin: Checkin) -> None:
    """Write a week's check-in, replacing the answers of an earlier one for the same week."""
    values = {
        "member_id": checkin.member_id,
        "week_start": checkin.week,
        "done": checkin.done,
        "hours": checkin.hours,
        "next_steps": checkin.next_steps,
        "blockers": checkin.blockers,
        "blocker_subject": checkin.blocker_subject,
        "milestone_ids": ",".join(checkin.milestone_ids),
        "confidence": checkin.confidence,
        "created_at": checkin.created_at,
        "updated_at": checkin.updated_at,
    }
    await tx.execute(tx.upsert(checkins, values, ("member_id", "week_start")))


async def checked_in(
    tx: Transaction, community_id: int, weeks: Collection[date]
) -> set[tuple[int, date]]:
    """(member id, week) for every check-in of the community in these weeks."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, checkins.c.week_start)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start.in_(list(weeks)))
    )
    return {(r.member_id, r.week_start) for r in rows}


async def checked_in_of(
    tx: Transaction, member_ids: Sequence[int], weeks: Collection[date]
) -> set[tuple[int, date]]:
    """(member id, week) for every check-in of these members in these weeks."""
    found: set[tuple[int, date]] = set()
    for chunk in chunks(member_ids):
        rows = await tx.execute(
            sa.select(checkins.c.member_id, checkins.c.week_start).where(
                checkins.c.member_id.in_(chunk), checkins.c.week_start.in_(list(weeks))
            )
        )
        found.update((r.member_id, r.week_start) for r in rows)
    return found


async def cached_in_community(tx: Transaction, community_id: int) -> dict[int, Cached]:
    """The cached streak of every member of a community who has checked in, by member id."""
    query = (
        sa.select(streaks)
        .join(members, members.c.id == streaks.c.member_id)
        .where(members.c.community_id == community_id)
    )
    return {r.member_id: _cached(r) for r in await tx.execute(query)}


async def cached_of(tx: Transaction, member_ids: Sequence[int]) -> dict[int, Cached]:
    """The cached streak of each of these members who has checked in, by member id."""
    found: dict[int, Cached] = {}
    for chunk in chunks(member_ids):
        rows = await tx.execute(sa.select(streaks).where(streaks.c.member_id.in_(chunk)))
        found.update((r.member_id, _cached(r)) for r in rows)
    return found


def _cached(row: sa.Row[Any]) -> Cached:
    streak = Streak(row.current_weeks, row.best_weeks, row.freezes)
    return Cached(row.through_week, streak, row.checkins, row.hours, row.last_week)


def _kept(totals: Cached) -> dict[str, object]:
    return {
        "through_week": totals.through,
        "current_weeks": totals.streak.current,
        "best_weeks": totals.streak.best,
        "freezes": totals.streak.freezes,
        "checkins": totals.checkins,
        "hours": totals.hours,
        "last_week": totals.last_week,
    }


async def keep(tx: Transaction, member_id: int, totals: Cached) -> None:
    """Write a member's kept totals."""
    values = {"member_id": member_id, **_kept(totals)}
    await tx.execute(tx.upsert(streaks, values, ("member_id",)))


async def keep_settled(tx: Transaction, settled: dict[int, tuple[date, Streak]]) -> None:
    """Write streaks judged through a later week, by member id (their counts stay)."""
    await tx.execute(
        streaks.update()
        .where(streaks.c.member_id == sa.bindparam("id"))
        .values(
            through_week=sa.bindparam("through"),
            current_weeks=sa.bindparam("current"),
            best_weeks=sa.bindparam("best"),
            freezes=sa.bindparam("held"),
        ),
        [
            {
                "id": member_id,
                "through": through,
                "current": streak.current,
                "best": streak.best,
                "held": streak.freezes,
            }
            for member_id, (through, streak) in settled.items()
        ],
    )


async def forget_totals(tx: Transaction, member_id: int) -> None:
    await tx.execute(streaks.delete().where(streaks.c.member_id == member_id))


async def unsettled(
    tx: Transaction, community_id: int, closed_through: dict[str, date]
) -> dict[int, tuple[str, Cached]]:
    """Active members whose live streak is judged through an earlier week than the newest
    closed week of their time zone (given per zone), with their zone and totals."""
    behind = [
        sa.and_(members.c.timezone == zone, streaks.c.through_week < week)
        for zone, week in closed_through.items()
    ]
    if not behind:
        return {}
    rows = await tx.execute(
        sa.select(streaks, members.c.timezone)
        .join(members, members.c.id == streaks.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            streaks.c.current_weeks > 0,
            sa.or_(*behind),
        )
    )
    return {r.member_id: (r.timezone, _cached(r)) for r in rows}


async def judged_unchecked(tx: Transaction, community_id: int, week: date) -> dict[int, str]:
    """Members of a community whose kept streak judged `week` without a check-in in it (it
    is judged through that week or a later one), with their time zone."""
    checked = sa.exists().where(checkins.c.member_id == members.c.id, checkins.c.week_start == week)
    rows = await tx.execute(
        sa.select(members.c.id, members.c.timezone)
        .join(streaks, streaks.c.member_id == members.c.id)
        .where(members.c.community_id == community_id, streaks.c.through_week >= week, ~checked)
    )
    return {r.id: r.timezone for r in rows}


def streak_scores() -> sa.Subquery:
    """(member_id, score): each member's kept current streak, right once they are settled."""
    return sa.select(streaks.c.member_id, streaks.c.current_weeks.label("score")).subquery("scores")


def hours_scores(community_id: int, since: date | None) -> sa.Subquery:
    """(member_id, score): each member's hours, kept for all time, summed from `since`."""
    if since is None:
        return sa.select(streaks.c.member_id, streaks.c.hours.label("score")).subquery("scores")
    return (
        sa.select(checkins.c.member_id, sa.func.sum(checkins.c.hours).label("score"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start >= since)
        .group_by(checkins.c.member_id)
        .subquery("scores")
    )


async def count_checked_in(tx: Transaction, community_id: int, week: date) -> int:
    """How many of the community's members have checked in for a week."""
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(checkins)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start == week)
    )
    return int(count or 0)


async def count_week(tx: Transaction, community_id: int, week: date) -> None:
    """Count one more check-in for a community's week."""
    values = {"community_id": community_id, "week_start": week, "checkins": 1}
    await tx.execute(
        tx.insert(checkin_weeks)
        .values(values)
        .on_conflict_do_update(
            index_elements=["community_id", "week_start"],
            set_={"checkins": checkin_weeks.c.checkins + 1},
        )
    )


async def per_week(tx: Transaction, community_id: int, since: date) -> dict[date, int]:
    """How many of the community's active members checked in, per week from `since`: the
    kept counts less the check-ins of members who left."""
    kept = await tx.execute(
        sa.select(checkin_weeks.c.week_start, checkin_weeks.c.checkins).where(
            checkin_weeks.c.community_id == community_id, checkin_weeks.c.week_start >= since
        )
    )
    counts = {r.week_start: int(r.checkins) for r in kept}
    departed = await tx.execute(
        sa.select(checkins.c.week_start, sa.func.count().label("members"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_not(None),
            checkins.c.week_start >= since,
        )
        .group_by(checkins.c.week_start)
    )
    for r in departed:
        counts[r.week_start] = counts.get(r.week_start, 0) - int(r.members)
    return {week: count for week, count in counts.items() if count > 0}


async def last_weeks_before(
    tx: Transaction, community_id: int, cutoffs: dict[str, date]
) -> dict[int, date | None]:
    """Active members whose newest check-in week is earlier than their time zone's cutoff
    (given per zone), or who never checked in, with that week, from the kept totals."""
    before = [
        sa.and_(
            members.c.timezone == zone,
            sa.or_(streaks.c.last_week.is_(None), streaks.c.last_week < week),
        )
        for zone, week in cutoffs.items()
    ]
    if not before:
        return {}
    rows = await tx.execute(
        sa.select(members.c.id, streaks.c.last_week)
        .select_from(members.outerjoin(streaks, streaks.c.member_id == members.c.id))
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            sa.or_(*before),
        )
    )
    return {r.id: r.last_week for r in rows}


async def newest_blockers(tx: Transaction, community_id: int, since: date) -> dict[int, str]:
    """The blockers of each member's newest check-in since `since`, when it named any."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, checkins.c.blockers)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start >= since)
        .order_by(checkins.c.member_id, checkins.c.week_start.desc())
    )
    newest: dict[int, str] = {}
    for r in rows:
        newest.setdefault(r.member_id, r.blockers)
    return {member_id: text for member_id, text in newest.items() if text.strip()}


async def blockers_of_week(tx: Transaction, community_id: int, week: date) -> list[str]:
    """The blockers named by the community's check-ins for a week, when they named any."""
    rows = await tx.scalars(
        sa.select(checkins.c.blockers)
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            members.c.community_id == community_id,
            checkins.c.week_start == week,
            checkins.c.blockers != "",
        )
        .order_by(checkins.c.member_id)
    )
    return [text for text in rows if text.strip()]


async def of_member(tx: Transaction, member_id: int) -> list[Checkin]:
    """Every check-in of the member, oldest week first."""
    rows = await tx.execute(
        sa.select(checkins).where(checkins.c.member_id == member_id).order_by(checkins.c.week_start)
    )
    return [_checkin(r) for r in rows]


async def cached(tx: Transaction, member_id: int) -> Cached | None:
    row = (
        await tx.execute(sa.select(streaks).where(streaks.c.member_id == member_id))
    ).one_or_none()
    return None if row is None else _cached(row)


async def delete_of_member(tx: Transaction, community_id: int, member_id: int) -> None:
    """Delete the member's check-ins, counted out of their community's weeks, and totals."""
    weeks = sa.select(checkins.c.week_start).where(checkins.c.member_id == member_id)
    await tx.execute(
        checkin_weeks.update()
        .where(checkin_weeks.c.community_id == community_id, checkin_weeks.c.week_start.in_(weeks))
        .values(checkins=checkin_weeks.c.checkins - 1)
    )
    await tx.execute(streak_spares.delete().where(streak_spares.c.member_id == member_id))
    await tx.execute(streaks.delete().where(streaks.c.member_id == member_id))
    await tx.execute(checkins.delete().where(checkins.c.member_id == member_id))
