"""Queries for challenge posts, submissions, reviews and kudos."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.challenges.model import Post, ReviewGiven, Submission
from bot.storage.tables import challenge_posts, kudos, members, reviews, submissions
from bot.storage.transaction import Transaction


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


async def submitted_between(
    tx: Transaction, community_id: int, start: datetime, end: datetime
) -> list[Submission]:
    """The community's submissions first sent in [start, end), oldest first."""
    rows = await tx.execute(
        _submission_query()
        .join(challenge_posts, challenge_posts.c.id == submissions.c.post_id)
        .where(
            challenge_posts.c.community_id == community_id,
            submissions.c.submitted_at >= start,
            submissions.c.submitted_at < end,
        )
        .order_by(submissions.c.id)
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


async def reviews_written(
    tx: Transaction, reviewer_ids: Collection[int]
) -> dict[int, list[ReviewGiven]]:
    """Every review each of these members wrote, oldest first, by reviewer (those with none
    are left out)."""
    rows = await tx.execute(
        sa.select(
            reviews.c.reviewer_id,
            reviews.c.submission_id,
            submissions.c.member_id,
            reviews.c.created_at,
        )
        .join(submissions, submissions.c.id == reviews.c.submission_id)
        .where(reviews.c.reviewer_id.in_(list(reviewer_ids)))
        .order_by(reviews.c.created_at, reviews.c.submission_id)
    )
    found: dict[int, list[ReviewGiven]] = {}
    for r in rows:
        found.setdefault(r.reviewer_id, []).append(
            ReviewGiven(r.submission_id, r.member_id, r.created_at)
        )
    return found


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


# -- one member's data, for export and erasure ------------------------------------------------


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _records(rows: sa.CursorResult[Any]) -> list[dict[str, object]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows.mappings()]


def _of_submissions(member_id: int) -> sa.Select[Any]:
    return sa.select(submissions.c.id).where(submissions.c.member_id == member_id)


async def submissions_of(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    """The member's submissions, with the challenge each was for."""
    return _records(
        await tx.execute(
            sa.select(
                submissions.c.id,
                challenge_posts.c.challenge_id,
                submissions.c.link,
                submissions.c.note,
                submissions.c.submitted_at,
                submissions.c.updated_at,
            )
            .join(challenge_posts, challenge_posts.c.id == submissions.c.post_id)
            .where(submissions.c.member_id == member_id)
            .order_by(submissions.c.id)
        )
    )


def _reviews() -> sa.Select[Any]:
    return (
        sa.select(
            reviews.c.submission_id,
            challenge_posts.c.challenge_id,
            reviews.c.score,
            reviews.c.comment,
            reviews.c.created_at,
        )
        .join(submissions, submissions.c.id == reviews.c.submission_id)
        .join(challenge_posts, challenge_posts.c.id == submissions.c.post_id)
        .order_by(reviews.c.id)
    )


async def reviews_given(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    return _records(await tx.execute(_reviews().where(reviews.c.reviewer_id == member_id)))


async def reviews_received(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    """Reviews of the member's submissions; who wrote them stays out."""
    return _records(await tx.execute(_reviews().where(submissions.c.member_id == member_id)))


def _kudos() -> sa.Select[Any]:
    return (
        sa.select(kudos.c.submission_id, challenge_posts.c.challenge_id, kudos.c.created_at)
        .join(submissions, submissions.c.id == kudos.c.submission_id)
        .join(challenge_posts, challenge_posts.c.id == submissions.c.post_id)
        .order_by(kudos.c.submission_id, kudos.c.created_at)
    )


async def kudos_given(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    return _records(await tx.execute(_kudos().where(kudos.c.member_id == member_id)))


async def kudos_received(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    """Kudos for the member's submissions; who gave them stays out."""
    return _records(await tx.execute(_kudos().where(submissions.c.member_id == member_id)))


async def words_of(tx: Transaction, member_id: int) -> list[str]:
    """Every string the member wrote here: submission links and notes, review comments."""
    found: list[str] = []
    for row in await tx.execute(
        sa.select(submissions.c.link, submissions.c.note).where(
            submissions.c.member_id == member_id
        )
    ):
        found.extend((row.link, row.note))
    found.extend(
        await tx.scalars(sa.select(reviews.c.comment).where(reviews.c.reviewer_id == member_id))
    )
    return found


async def delete_member(tx: Transaction, member_id: int) -> None:
    """Delete the member's submissions (with the reviews and kudos they received, which mean
    nothing without them), and the reviews and kudos they gave."""
    theirs = _of_submissions(member_id)
    await tx.execute(
        kudos.delete().where(
            sa.or_(kudos.c.member_id == member_id, kudos.c.submission_id.in_(theirs))
        )
    )
    await tx.execute(
        reviews.delete().where(
            sa.or_(reviews.c.reviewer_id == member_id, reviews.c.submission_id.in_(theirs))
        )
    )
    await tx.execute(submissions.delete().where(submissions.c.member_id == member_id))
