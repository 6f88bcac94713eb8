"""Queries for challenge posts, submissions, reviews and kudos."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.storage.tables import challenge_posts, kudos, members, reviews, submissions
from bot.storage.transaction import Transaction


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    challenge_id: str
    posted_at: datetime
    deadline_at: datetime


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    post_id: int
    member_id: int
    author: str
    link: str
    note: str
    reviews: int
    average: float | None
    kudos: int


def _post(row: sa.Row[Any]) -> Post:
    return Post(row.id, row.challenge_id, row.posted_at, row.deadline_at)


async def add_post(
    tx: Transaction, community_id: int, challenge_id: str, now: datetime, deadline: datetime
) -> Post:
    new_id = await tx.scalar(
        challenge_posts.insert()
        .values(
            community_id=community_id,
            challenge_id=challenge_id,
            posted_at=now,
            deadline_at=deadline,
        )
        .returning(challenge_posts.c.id)
    )
    return Post(int(new_id or 0), challenge_id, now, deadline)


async def latest_post(tx: Transaction, community_id: int) -> Post | None:
    row = (
        await tx.execute(
            sa.select(challenge_posts)
            .where(challenge_posts.c.community_id == community_id)
            .order_by(challenge_posts.c.posted_at.desc(), challenge_posts.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else _post(row)


async def last_posted(tx: Transaction, community_id: int) -> dict[str, datetime]:
    """When each challenge was last posted in the community."""
    rows = await tx.execute(
        sa.select(challenge_posts.c.challenge_id, sa.func.max(challenge_posts.c.posted_at))
        .where(challenge_posts.c.community_id == community_id)
        .group_by(challenge_posts.c.challenge_id)
    )
    return {r[0]: r[1] for r in rows}


async def due_for_summary(tx: Transaction, community_id: int, now: datetime) -> list[Post]:
    rows = await tx.execute(
        sa.select(challenge_posts)
        .where(
            challenge_posts.c.community_id == community_id,
            challenge_posts.c.deadline_at <= now,
            challenge_posts.c.summarized.is_(False),
        )
        .order_by(challenge_posts.c.id)
    )
    return [_post(r) for r in rows]


async def mark_summarized(tx: Transaction, post_id: int) -> None:
    await tx.execute(
        challenge_posts.update().where(challenge_posts.c.id == post_id).values(summarized=True)
    )


async def save_submission(
    tx: Transaction,
    post_id: int,
    member_id: int,
    link: str,
    note: str,
    now: datetime,
) -> bool:
    """Insert or update the member's submission; True when it is new."""
    existing = await tx.scalar(
        sa.select(submissions.c.id).where(
            submissions.c.post_id == post_id, submissions.c.member_id == member_id
        )
    )
    values = {
        "post_id": post_id,
        "member_id": member_id,
        "link": link,
        "note": note,
        "submitted_at": now,
        "updated_at": now,
    }
    if existing is None:
        await tx.execute(tx.insert_ignoring_conflicts(submissions, values))
        return True
    await tx.execute(
        submissions.update()
        .where(submissions.c.id == existing)
        .values(link=link, note=note, updated_at=now)
    )
    return False


def _submission_query() -> sa.Select[Any]:
    review_count = (
        sa.select(sa.func.count())
        .where(reviews.c.submission_id == submissions.c.id)
        .scalar_subquery()
    )
    review_average = (
        sa.select(sa.func.avg(reviews.c.score))
        .where(reviews.c.submission_id == submissions.c.id)
        .scalar_subquery()
    )
    kudos_count = (
        sa.select(sa.func.count())
        .where(kudos.c.submission_id == submissions.c.id)
        .scalar_subquery()
    )
    return sa.select(
        submissions,
        members.c.display_name,
        review_count.label("review_count"),
        review_average.label("review_average"),
        kudos_count.label("kudos_count"),
    ).join(members, members.c.id == submissions.c.member_id)


def _submission(row: sa.Row[Any]) -> Submission:
    average = row.review_average
    return Submission(
        id=row.id,
        post_id=row.post_id,
        member_id=row.member_id,
        author=row.display_name,
        link=row.link,
        note=row.note,
        reviews=int(row.review_count),
        average=None if average is None else float(average),
        kudos=int(row.kudos_count),
    )


async def submissions_for(tx: Transaction, post_id: int) -> list[Submission]:
    rows = await tx.execute(
        _submission_query().where(submissions.c.post_id == post_id).order_by(submissions.c.id)
    )
    return [_submission(r) for r in rows]


async def submission(tx: Transaction, submission_id: int) -> Submission | None:
    row = (
        await tx.execute(_submission_query().where(submissions.c.id == submission_id))
    ).one_or_none()
    return None if row is None else _submission(row)


async def reviewed_by(tx: Transaction, post_id: int, reviewer_id: int) -> set[int]:
    rows = await tx.execute(
        sa.select(reviews.c.submission_id)
        .join(submissions, submissions.c.id == reviews.c.submission_id)
        .where(submissions.c.post_id == post_id, reviews.c.reviewer_id == reviewer_id)
    )
    return {r.submission_id for r in rows}


async def save_review(
    tx: Transaction,
    submission_id: int,
    reviewer_id: int,
    score: int,
    comment: str,
    now: datetime,
) -> None:
    values = {
        "submission_id": submission_id,
        "reviewer_id": reviewer_id,
        "score": score,
        "comment": comment,
        "created_at": now,
    }
    await tx.execute(tx.upsert(reviews, values, ("submission_id", "reviewer_id")))


async def add_kudos(tx: Transaction, submission_id: int, member_id: int, now: datetime) -> bool:
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            kudos, {"submission_id": submission_id, "member_id": member_id, "created_at": now}
        )
    )
    return bool(result.rowcount)


async def rename(tx: Transaction, community_id: int, renamed: Mapping[str, str]) -> int:
    """Point a community's posts of old challenge ids at the new ids; their submissions,
    reviews and kudos hang off the post, so they follow. Returns how many posts moved."""
    moved = 0
    for old, new in renamed.items():
        result = await tx.execute(
            challenge_posts.update()
            .where(
                challenge_posts.c.community_id == community_id,
                challenge_posts.c.challenge_id == old,
            )
            .values(challenge_id=new)
        )
        moved += result.rowcount
    return moved
