"""The values routing works on: blockers, helper candidates, the rules, and the offers made.

Members are named by their `members.id`. Everything here is plain data, frozen, with tuples
and frozensets rather than lists and sets, so a round's input can be hashed, compared and
replayed: routing the same values again gives the same offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

MAX_BLOCKER_TEXT = 1000
"""Blocker text longer than this is cut before it is matched (the check-in field's limit)."""
OFFER_SIZE = 3
"""The most helpers one blocker is offered."""


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When a member is usually free, every day, on their own clock in an IANA zone. A window
    whose end is before its start runs past midnight (22:00-02:00); equal ends mean all day."""

    timezone: str
    start: time = time(9)
    end: time = time(21)


@dataclass(frozen=True, slots=True)
class Blocker:
    """One blocker named in one check-in: `id` is unique in the round (the check-in's id) and
    orders ties. `milestones` and `topics` are the ids it is linked to (picked by the member or
    matched from the text); `phase` is the phase of the linked milestone, or the member's."""

    id: int
    member: int
    text: str
    milestones: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    phase: int | None = None
    hours: WorkingHours | None = None


@dataclass(frozen=True, slots=True)
class Finished:
    """A milestone a helper finished, and the day they ticked it."""

    milestone: str
    on: date


@dataclass(frozen=True, slots=True)
class Helper:
    """A member who opted in to help. `topics` and `phases` are the limits they chose (empty:
    no limit); `capacity` is their weekly limit of requests and `received` how many they were
    already sent this week. `asked_by` maps a member to the last day they asked this helper;
    `blocks` holds every member with a block between them and the helper, in either
    direction."""

    member: int
    finished: tuple[Finished, ...] = ()
    topics: frozenset[str] = frozenset()
    phases: frozenset[int] = frozenset()
    capacity: int = 2
    received: int = 0
    active: bool = True
    hours: WorkingHours | None = None
    asked_by: tuple[tuple[int, date], ...] = ()
    blocks: frozenset[int] = frozenset()

    @property
    def remaining(self) -> int:
        """Requests still allowed this week."""
        return max(0, self.capacity - self.received)


@dataclass(frozen=True, slots=True)
class Rules:
    """The knobs of a round. A helper finished a milestone *recently* within `recent_days`
    before the round's day, and a member asked a helper *lately* within `lately_days`.
    Overlapping working hours count up to `overlap_cap_hours` a day: past that, more overlap
    does not make one helper better than another."""

    recent_days: int = 180
    lately_days: int = 28
    offer_size: int = OFFER_SIZE
    overlap_cap_hours: int = 4

    def __post_init__(self) -> None:
        if self.offer_size < 1:
            raise ValueError("an offer has at least one helper")
        if min(self.recent_days, self.lately_days, self.overlap_cap_hours) < 0:
            raise ValueError("days and hours must not be negative")


class Basis(StrEnum):
    """Why a helper fits a blocker's subject."""

    MILESTONE = "milestone"  # finished one of the blocker's milestones recently
    TOPIC = "topic"  # chose one of the blocker's topics to help with


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a helper is in an offer, for the wording of the offer: the milestone they finished
    (and when) or the topic they cover, the hours a day both are usually free, and whether
    the member asked them lately (only when nobody new was left)."""

    basis: Basis
    subject: str
    finished_on: date | None
    overlap_hours: float
    asked_lately: bool


@dataclass(frozen=True, slots=True)
class Choice:
    helper: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class Offer:
    """A blocker and the helpers offered for it, best first (one to `Rules.offer_size`)."""

    blocker: int
    member: int
    helpers: tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class Routing:
    """A round's result. `offers` are in blocker id order; `unrouted` lists the blockers that
    had qualified helpers but no capacity left for them (never more than the capacity forces),
    `unqualified` those with no qualified helper at all."""

    offers: tuple[Offer, ...]
    unrouted: tuple[int, ...] = ()
    unqualified: tuple[int, ...] = ()
    load: tuple[tuple[int, int], ...] = field(default=())
    """(helper, offers made to them this round) for every helper offered at least once."""

    @property
    def qualified(self) -> int:
        """Blockers that had at least one qualified helper: the best any routing could reach."""
        return len(self.offers) + len(self.unrouted)


# What the feature keeps and answers with, beyond a round's values.


class Status(StrEnum):
    """Where a routed blocker stands."""

    OFFERED = "offered"  # helpers offered, none asked yet
    ASKED = "asked"  # the member asked one; their conversation is open
    HELPED = "helped"  # the member said it helped
    UNHELPED = "unhelped"  # the member said it did not
    UNANSWERED = "unanswered"  # nobody qualified or had room


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A member's helper settings: on or off, the weekly limit and the optional limits."""

    member_id: int
    active: bool
    weekly_limit: int
    topics: tuple[str, ...]
    phases: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Request:
    """A blocker routed to helpers: the member's words (bounded), the subject it is linked to
    (`m:<milestone>` or `t:<topic>`) and where it stands."""

    id: int
    member_id: int
    week: date
    text: str
    subject: str
    status: Status
    asked_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Proposed:
    """One helper of an offer as the member sees it: the offer's rank, the helper's name and
    why they fit."""

    rank: int
    helper_id: int
    name: str
    reason: Reason | None


@dataclass(frozen=True, slots=True)
class Offered:
    """What `helper find` answers: the request, its subject's title, the helpers offered (best
    first) and the other subjects the member may pick instead."""

    request: Request
    subject_title: str
    helpers: tuple[Proposed, ...]
    alternatives: tuple[tuple[str, str], ...]  # (subject, title)


@dataclass(frozen=True, slots=True)
class Standing:
    """What `helper` shows a member: their helper settings (None: never opted in), how many
    requests they had this week, and what they earned by helping."""

    volunteer: Volunteer | None
    asked_this_week: int
    credits: dict[str, int]
    freezes_earned: int
    freezes_spent: int
    freezes_held: int
    toward_next: int


@dataclass(frozen=True, slots=True)
class Counts:
    """The organizer view of a community's blockers since a day: routed to helpers, asked,
    helped, unanswered (no helper or no answer), and the most active helpers by blockers
    helped (display name, count)."""

    routed: int
    asked: int
    helped: int
    unanswered: int
    top_helpers: tuple[tuple[str, int], ...]
