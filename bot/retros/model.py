"""The retros' values and the calendar they follow.

Quarter *n* of a member's journey is the 91 days (13 weeks) from their start date plus
91 * (n - 1) days, on their own calendar. Its retro is asked on the day after it ends
(start + 91 * n) from 10:00 their time, and can be asked for two weeks after that (a member
paused on the day is asked once the pause is over; a member who joins with a start date long
past is not asked about quarters that ended before).

A class's retro for quarter *n* closes one week after its last member reached the end of
quarter *n* (the latest start date of the class's active members + 91 * n days, plus 7; with
no active member left, the last day of the class's month stands in for it), or sooner: on
that last day, or any day after it, once every active member of the class has answered.
Someone who joins the class later (a start date set back into its month) is asked as usual,
but a summary already posted does not wait for them.

A summary is posted in the community's check-ins channel. One that closes while the community
has no such channel waits for it, undecided, for a quarter after the latest day it could close
(the latest start date + 91 * n + 7, plus 91 days): set within that time, the channel gets it
on the next hourly run, made then; after it, the summary is recorded as not posted and never
comes back. Either way a class's quarter is decided once, so posted at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.content.model import Phase
from bot.members.model import Member

QUARTER = timedelta(weeks=13)
ASK_FROM = time(10, 0)
ASK_WINDOW = timedelta(days=14)
CLOSE_AFTER = timedelta(days=7)
WAIT_FOR_CHANNEL = QUARTER
"""How long after the latest day it could close a summary waits for a check-ins channel."""
MIN_ANSWERS = 2
"""A class's summary is posted only when at least this many of its members answered, so no
summary is one member's retro under a class's name."""
MAX_TEXT = 1000
MAX_GOAL = 300


def quarters_done(start: date, today: date) -> int:
    """How many quarters of the journey are over on `today`: 0 in the first 13 weeks."""
    return max(0, (today - start).days // QUARTER.days)


def quarter_end(start: date, quarter: int) -> date:
    """The day after quarter `quarter` ends: the day its retro is asked."""
    return start + quarter * QUARTER


def last_ask_day(class_month: date, quarter: int) -> date:
    """The last day anyone of the class can reach the end of quarter `quarter`."""
    next_month = (class_month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1) + quarter * QUARTER


@dataclass(frozen=True, slots=True)
class Retro:
    id: int
    member_id: int
    quarter: int
    class_month: date
    asked_at: datetime | None
    answered_at: datetime | None
    went_well: str
    to_change: str
    goal: str
    goal_number: int | None
    share: bool


@dataclass(frozen=True, slots=True)
class Answers:
    """What a member sends; None leaves an earlier answer as it was."""

    went_well: str | None = None
    to_change: str | None = None
    goal: str | None = None
    share: bool | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in (self.went_well, self.to_change, self.goal, self.share))


@dataclass(frozen=True, slots=True)
class Draft:
    """The retro form of a member's newest finished quarter, with what they answered."""

    quarter: int
    ended: date  # the day after the quarter ended
    existing: Retro | None


@dataclass(frozen=True, slots=True)
class Answered:
    retro: Retro
    first: bool  # the first answer to this quarter's retro
    goal_added: int | None  # the number of the goal the answer added
    goals_full: bool  # a goal was given but the member has the most open goals already


@dataclass(frozen=True, slots=True)
class Summary:
    """What a class's retro summary says; no member's words unless they chose to share."""

    class_month: date
    quarter: int
    members: int
    answers: int
    milestones: int  # milestones the class's members ticked off since the quarter began
    phases: list[tuple[Phase, int]]  # phases finished so far, with how many members did
    blockers: list[tuple[str, int]]  # topics or milestones at least two members are stuck on
    goals: list[tuple[str, str]]  # (display name, goal) of those who shared
    private_goals: int  # goals set by members who did not share


@dataclass(frozen=True, slots=True)
class Ask:
    member: Member
    quarter: int
