"""The challenges feature's domain types: posts, submissions, and the current challenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content.model import Challenge


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


@dataclass(frozen=True, slots=True)
class Current:
    post: Post
    challenge: Challenge

    def open(self, now: datetime) -> bool:
        return now < self.post.deadline_at


@dataclass(frozen=True, slots=True)
class PostedNow:
    current: Current
    replaces: datetime | None  # the scheduled post it took the place of
    next_post: datetime | None  # the scheduled post after it


@dataclass(frozen=True, slots=True)
class ReviewGiven:
    """A review a member wrote: of which submission, whose it was and when."""

    submission_id: int
    author_id: int
    at: datetime
