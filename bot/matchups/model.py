"""The matchups feature's domain types: settings, participants, rounds and their seats, what
matchmaking sees and makes, and what the service hands to messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.content.model import Milestone, Phase
from bot.members.model import Member
from bot.pauses.model import Pause
from bot.roadmap.model import Standing


class Status(StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    IDLE = "idle"  # paused by Cohort after rounds went unanswered


class Mode(StrEnum):
    PEERS = "peers"
    MENTOR = "mentor"
    MIXED = "mixed"


class ClassMode(StrEnum):
    """Whether pairs from the same class (start month) are preferred or avoided."""

    WITHIN = "within"
    ACROSS = "across"


@dataclass(frozen=True, slots=True)
class Person:
    """A member as matchmaking sees them."""

    id: int
    timezone: str
    phase: int
    interests: frozenset[str] = frozenset()
    klass: int = 0  # the class, as months since year 0 (see bot.classes.model.class_index)


def pair_key(a: int, b: int) -> tuple[int, int]:
    """How a pair of member ids is keyed: the lower id first."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class Past:
    """What earlier rounds and members' blocks say about a round."""

    met: Mapping[tuple[int, int], int] = field(default_factory=dict)
    """Weeks since each pair (see :func:`pair_key`) was last grouped; 1 is last week."""
    odd: frozenset[int] = frozenset()
    """Who was the odd one in the previous round."""
    blocked: frozenset[tuple[int, int]] = frozenset()
    """Pairs that must never be grouped (see :func:`pair_key`)."""


@dataclass(frozen=True, slots=True)
class Group:
    members: tuple[int, ...]
    odd: tuple[int, ...]  # who joined after the group formed: the odd one, or whom blocks left
    score: int
    repeats: int  # pairs in the group who were grouped before


@dataclass(frozen=True, slots=True)
class Grouping:
    groups: tuple[Group, ...]
    unplaced: tuple[int, ...]  # nobody to meet: a pool of one, or blocks with everyone
    repeats: int  # pairs of groupmates who had been grouped before
    repeats_avoided: int  # members with an earlier partner in the pool who got only new ones

    @property
    def score(self) -> int:
        return sum(g.score for g in self.groups)


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """A community's matchup settings; the defaults until an organizer changes them."""

    cadence: str = "weekly"  # weekly | biweekly
    size: int = 2
    mode: Mode = Mode.PEERS
    classes: ClassMode = ClassMode.WITHIN


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
class NewRound:
    """A round about to be stored."""

    community_id: int
    week: str
    week_start: date
    size: int
    mode: Mode
    pool: int
    repeats: int
    repeats_avoided: int
    created_at: datetime


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


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one round's groups went: someone in the group said they met, everyone who
    answered said they did not, or nobody answered (ghosted)."""

    groups: int
    met: int
    not_met: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class Interests:
    """The interests matchups use for a member, and whether they are the profile's focus."""

    words: tuple[str, ...]
    from_focus: bool


@dataclass(frozen=True, slots=True)
class Profile:
    """What a group's intro says about one member."""

    member: Member
    phase: Phase | None  # None before their start date
    month_in_phase: int
    phase_months: int
    milestone: Milestone | None
    blocker: str | None
    interests: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The groups a round makes (or would make), with who they were made from."""

    round_id: str
    week: str
    monday: date
    settings: MatchSettings
    entries: dict[int, Entry]  # the pool, by member id
    standings: dict[int, Standing]
    grouping: Grouping


@dataclass(frozen=True, slots=True)
class Made:
    round: Round
    sizes: tuple[int, ...]  # of each group made
    unplaced: int


@dataclass(frozen=True, slots=True)
class Joined:
    participant: Participant
    new: bool  # not taking part before
    interests: Interests
    has_channel: bool  # without a matchups channel no round is made


@dataclass(frozen=True, slots=True)
class Overview:
    """A member's matchups: taking part or not, their newest group, a pause under way, and
    whether they are in the next round."""

    participant: Participant | None
    latest: tuple[Round, list[Seat]] | None
    pause: Pause | None
    interests: Interests
    paused_for_next: bool  # a pause covers the day of the next round
