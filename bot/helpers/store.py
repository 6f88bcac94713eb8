"""Queries for helpers, the blocks between members, routed blockers and the helpers offered."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.helpers.model import Request, Status, Volunteer
from bot.storage.tables import help_offers, help_requests, helper_blocks, helpers, members
from bot.storage.transaction import Transaction


def _volunteer(row: sa.Row[Any]) -> Volunteer:
    return Volunteer(
        row.member_id,
        row.active,
        row.weekly_limit,
        tuple(t for t in row.topics.split(",") if t),
        tuple(int(p) for p in row.phases.split(",") if p),
    )


async def volunteer(tx: Transaction, member_id: int) -> Volunteer | None:
    row = (
        await tx.execute(sa.select(helpers).where(helpers.c.member_id == member_id))
    ).one_or_none()
    return None if row is None else _volunteer(row)


async def save_volunteer(tx: Transaction, chosen: Volunteer, now: datetime) -> None:
    values = {
        "member_id": chosen.member_id,
        "active": chosen.active,
        "weekly_limit": chosen.weekly_limit,
        "topics": ",".join(chosen.topics),
        "phases": ",".join(str(p) for p in chosen.phases),
        "since": now,
    }
    await tx.execute(tx.upsert(helpers, values, ("member_id",)))


async def active_volunteers(tx: Transaction, community_id: int) -> list[Volunteer]:
    """Helpers who are on, of members who have not left, by member id."""
    rows = await tx.execute(
        sa.select(helpers)
        .join(members, members.c.id == helpers.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            helpers.c.active.is_(True),
        )
        .order_by(helpers.c.member_id)
    )
    return [_volunteer(r) for r in rows]


async def add_block(tx: Transaction, member_id: int, other_id: int, now: datetime) -> bool:
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            helper_blocks, {"member_id": member_id, "other_id": other_id, "created_at": now}
        )
    )
    return bool(result.rowcount)


async def remove_block(tx: Transaction, member_id: int, other_id: int) -> bool:
    result = await tx.execute(
        helper_blocks.delete().where(
            helper_blocks.c.member_id == member_id, helper_blocks.c.other_id == other_id
        )
    )
    return bool(result.rowcount)


async def blocks_in(tx: Transaction, community_id: int) -> set[tuple[int, int]]:
    """(member, other) for every block a member of the community made."""
    rows = await tx.execute(
        sa.select(helper_blocks.c.member_id, helper_blocks.c.other_id)
        .join(members, members.c.id == helper_blocks.c.member_id)
        .where(members.c.community_id == community_id)
    )
    return {(r.member_id, r.other_id) for r in rows}


def _request(row: sa.Row[Any]) -> Request:
    return Request(
        row.id,
        row.member_id,
        row.week_start,
        row.text,
        row.subject,
        Status(row.status),
        row.asked_at,
        row.answered_at,
    )


async def request_of_week(tx: Transaction, member_id: int, week: date) -> Request | None:
    row = (
        await tx.execute(
            sa.select(help_requests).where(
                help_requests.c.member_id == member_id, help_requests.c.week_start == week
            )
        )
    ).one_or_none()
    return None if row is None else _request(row)


async def request(tx: Transaction, community_id: int, request_id: int) -> Request | None:
    row = (
        await tx.execute(
            sa.select(help_requests).where(
                help_requests.c.community_id == community_id, help_requests.c.id == request_id
            )
        )
    ).one_or_none()
    return None if row is None else _request(row)


async def open_request(
    tx: Transaction,
    community_id: int,
    member_id: int,
    week: date,
    text: str,
    subject: str,
    status: Status,
    now: datetime,
) -> int:
    """The week's request of the member with these words and subject, with no helper offered
    yet: the helpers offered before and never asked are dropped."""
    found = await request_of_week(tx, member_id, week)
    values = {"text": text, "subject": subject, "status": status.value, "created_at": now}
    if found is None:
        inserted = await tx.execute(
            help_requests.insert()
            .values(community_id=community_id, member_id=member_id, week_start=week, **values)
            .returning(help_requests.c.id)
        )
        return int(inserted.scalar_one())
    await tx.execute(help_requests.update().where(help_requests.c.id == found.id).values(values))
    mine = help_offers.c.request_id == found.id
    await tx.execute(help_offers.delete().where(mine, help_offers.c.asked_at.is_(None)))
    # Helpers already asked (who declined) stay on record, out of the numbered offer.
    await tx.execute(help_offers.update().where(mine).values(rank=0))
    return found.id


async def add_offers(tx: Transaction, request_id: int, helper_ids: list[int]) -> None:
    for rank, helper_id in enumerate(helper_ids, 1):
        await tx.execute(
            help_offers.insert().values(request_id=request_id, helper_id=helper_id, rank=rank)
        )


async def offers_of(tx: Transaction, request_id: int) -> list[tuple[int, int, bool, bool]]:
    """(rank, helper, asked, declined) for every helper offered for a request, by rank (0:
    asked for an earlier offer of the same blocker)."""
    rows = await tx.execute(
        sa.select(help_offers).where(help_offers.c.request_id == request_id).order_by("rank")
    )
    return [(r.rank, r.helper_id, r.asked_at is not None, r.declined_at is not None) for r in rows]


async def mark_asked(tx: Transaction, request_id: int, helper_id: int, now: datetime) -> None:
    await tx.execute(
        help_offers.update()
        .where(help_offers.c.request_id == request_id, help_offers.c.helper_id == helper_id)
        .values(asked_at=now)
    )
    await tx.execute(
        help_requests.update()
        .where(help_requests.c.id == request_id)
        .values(status=Status.ASKED.value, asked_at=now, followed_up_at=None)
    )


async def decline(tx: Transaction, request_id: int, helper_id: int, now: datetime) -> bool:
    """The helper declines a request they were asked for; the request is offered again."""
    result = await tx.execute(
        help_offers.update()
        .where(
            help_offers.c.request_id == request_id,
            help_offers.c.helper_id == helper_id,
            help_offers.c.asked_at.is_not(None),
            help_offers.c.declined_at.is_(None),
        )
        .values(declined_at=now)
    )
    if not result.rowcount:
        return False
    await tx.execute(
        help_requests.update()
        .where(help_requests.c.id == request_id, help_requests.c.status == Status.ASKED.value)
        .values(status=Status.OFFERED.value)
    )
    return True


async def asks_since(tx: Transaction, community_id: int, since: datetime) -> dict[int, int]:
    """How many requests each helper of the community was asked from `since`."""
    rows = await tx.execute(
        sa.select(help_offers.c.helper_id, sa.func.count().label("asked"))
        .join(help_requests, help_requests.c.id == help_offers.c.request_id)
        .where(help_requests.c.community_id == community_id, help_offers.c.asked_at >= since)
        .group_by(help_offers.c.helper_id)
    )
    return {r.helper_id: int(r.asked) for r in rows}


async def asked_pairs(
    tx: Transaction, community_id: int, since: datetime
) -> list[tuple[int, int, datetime]]:
    """(helper, member who asked, when) for every ask in the community from `since`."""
    rows = await tx.execute(
        sa.select(help_offers.c.helper_id, help_requests.c.member_id, help_offers.c.asked_at)
        .join(help_requests, help_requests.c.id == help_offers.c.request_id)
        .where(help_requests.c.community_id == community_id, help_offers.c.asked_at >= since)
        .order_by(help_offers.c.helper_id, help_offers.c.asked_at)
    )
    return [(r.helper_id, r.member_id, r.asked_at) for r in rows]


async def due_follow_ups(
    tx: Transaction, community_id: int, asked_before: datetime
) -> list[Request]:
    rows = await tx.execute(
        sa.select(help_requests)
        .where(
            help_requests.c.community_id == community_id,
            help_requests.c.status == Status.ASKED.value,
            help_requests.c.asked_at <= asked_before,
            help_requests.c.followed_up_at.is_(None),
        )
        .order_by(help_requests.c.id)
    )
    return [_request(r) for r in rows]


async def mark_followed_up(tx: Transaction, request_id: int, now: datetime) -> None:
    await tx.execute(
        help_requests.update().where(help_requests.c.id == request_id).values(followed_up_at=now)
    )


async def answer(tx: Transaction, request_id: int, helped: bool, now: datetime) -> None:
    status = Status.HELPED if helped else Status.UNHELPED
    await tx.execute(
        help_requests.update()
        .where(help_requests.c.id == request_id)
        .values(status=status.value, answered_at=now)
    )


async def helped_by(
    tx: Transaction, helper_ids: Collection[int]
) -> dict[int, list[tuple[int, int, datetime]]]:
    """(request, member helped, when they said so) for every blocker each of these helpers
    helped with, oldest first, by helper (those with none are left out)."""
    rows = await tx.execute(
        sa.select(
            help_offers.c.helper_id,
            help_requests.c.id,
            help_requests.c.member_id,
            help_requests.c.answered_at,
        )
        .join(help_offers, help_offers.c.request_id == help_requests.c.id)
        .where(
            help_offers.c.helper_id.in_(list(helper_ids)),
            help_offers.c.asked_at.is_not(None),
            help_offers.c.declined_at.is_(None),
            help_requests.c.status == Status.HELPED.value,
        )
        .order_by(help_requests.c.answered_at, help_requests.c.id)
    )
    found: dict[int, list[tuple[int, int, datetime]]] = {}
    for r in rows:
        found.setdefault(r.helper_id, []).append((r.id, r.member_id, r.answered_at))
    return found


def _weeks(community_id: int, since: date, until: date | None) -> list[sa.ColumnElement[bool]]:
    """The requests of a community's check-in weeks from `since` up to `until` (excluded)."""
    where = [help_requests.c.community_id == community_id, help_requests.c.week_start >= since]
    if until is not None:
        where.append(help_requests.c.week_start < until)
    return where


async def statuses_since(
    tx: Transaction, community_id: int, since: date, until: date | None = None
) -> dict[Status, int]:
    rows = await tx.execute(
        sa.select(help_requests.c.status, sa.func.count().label("n"))
        .where(*_weeks(community_id, since, until))
        .group_by(help_requests.c.status)
    )
    return {Status(r.status): int(r.n) for r in rows}


async def top_helpers(
    tx: Transaction, community_id: int, since: date, limit: int, until: date | None = None
) -> list[tuple[str, int]]:
    """The helpers who helped with most blockers of the weeks from `since` (up to `until`,
    excluded), with how many."""
    helped = sa.func.count().label("helped")
    rows = await tx.execute(
        sa.select(members.c.display_name, helped)
        .select_from(help_requests)
        .join(help_offers, help_offers.c.request_id == help_requests.c.id)
        .join(members, members.c.id == help_offers.c.helper_id)
        .where(
            *_weeks(community_id, since, until),
            help_requests.c.status == Status.HELPED.value,
            help_offers.c.asked_at.is_not(None),
            help_offers.c.declined_at.is_(None),
        )
        .group_by(members.c.id, members.c.display_name)
        .order_by(helped.desc(), members.c.display_name)
        .limit(limit)
    )
    return [(r.display_name, int(r.helped)) for r in rows]


# What a member's export shows and forget-me erases.


async def requests_of(tx: Transaction, member_id: int) -> list[Request]:
    rows = await tx.execute(
        sa.select(help_requests)
        .where(help_requests.c.member_id == member_id)
        .order_by(help_requests.c.id)
    )
    return [_request(r) for r in rows]


async def offers_to(tx: Transaction, helper_id: int) -> list[dict[str, object]]:
    rows = await tx.execute(
        sa.select(help_offers.c.rank, help_offers.c.asked_at, help_offers.c.declined_at)
        .where(help_offers.c.helper_id == helper_id)
        .order_by(help_offers.c.request_id)
    )
    return [
        {
            "rank": r.rank,
            "asked_at": None if r.asked_at is None else r.asked_at.isoformat(),
            "declined_at": None if r.declined_at is None else r.declined_at.isoformat(),
        }
        for r in rows
    ]


async def blocks_by(tx: Transaction, member_id: int) -> list[tuple[str, datetime]]:
    """(display name of the member blocked, when) for every block the member made."""
    rows = await tx.execute(
        sa.select(members.c.display_name, helper_blocks.c.created_at)
        .join(members, members.c.id == helper_blocks.c.other_id)
        .where(helper_blocks.c.member_id == member_id)
        .order_by(helper_blocks.c.created_at)
    )
    return [(r.display_name, r.created_at) for r in rows]


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    """Everything about the member: their settings, blocks either way, their requests and the
    offers made to them."""
    await tx.execute(helpers.delete().where(helpers.c.member_id == member_id))
    await tx.execute(
        helper_blocks.delete().where(
            sa.or_(helper_blocks.c.member_id == member_id, helper_blocks.c.other_id == member_id)
        )
    )
    await tx.execute(help_offers.delete().where(help_offers.c.helper_id == member_id))
    mine = sa.select(help_requests.c.id).where(help_requests.c.member_id == member_id)
    await tx.execute(help_offers.delete().where(help_offers.c.request_id.in_(mine)))
    await tx.execute(help_requests.delete().where(help_requests.c.member_id == member_id))
