"""A month and a bit of a member's life, driven through `cohort console`'s stdin with `:advance`.

The console's clock starts at a fixed moment (COHORT_TEST_CLOCK), in the weeks around Berlin's
switch back from summer time, whatever day the suite runs on; every step lands half an hour away
from the hourly reminder looks and the Monday-noon close, in Berlin wall time.
"""

from __future__ import annotations

import re
import subprocess
import time as wall
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

Run = Callable[..., subprocess.CompletedProcess[str]]

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday; the five weeks after it cross Berlin's switch back from summer time (25 October).
START = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)


def _berlin(day: datetime, hour: int, minute: int, days_later: int = 0) -> datetime:
    local = datetime.combine(day.astimezone(BERLIN).date() + timedelta(days=days_later), time())
    return local.replace(hour=hour, minute=minute, tzinfo=BERLIN).astimezone(UTC)


def _first_monday_after(moment: datetime) -> datetime:
    """Monday 12:30 in Berlin, the first one at least an hour after `moment`."""
    local = moment.astimezone(BERLIN)
    days = (7 - local.weekday()) % 7
    candidate = _berlin(moment, 12, 30, days)
    return (
        candidate if candidate > moment + timedelta(hours=1) else _berlin(moment, 12, 30, 7 + days)
    )


def _sunday_prompts(start: datetime, end: datetime) -> list[datetime]:
    """The community's default check-in prompt times (Sunday 17:00 UTC) in (start, end]."""
    found = []
    day = start.date()
    while day <= end.date():
        moment = datetime.combine(day, time(17), tzinfo=UTC)
        if day.weekday() == 6 and start < moment <= end:
            found.append(moment)
        day += timedelta(days=1)
    return found


def test_a_month_of_checkins_reminders_and_a_freeze(run: Run) -> None:
    start = START
    first = _first_monday_after(start)
    stops = [
        (first, '/checkin hours:4 done:"first week"'),
        (_berlin(first, 12, 30, 7), '/checkin hours:5 done:"second week"'),
        # Skip Monday; on Sunday evening the reminder has come: check in then.
        (_berlin(first, 20, 30, 20), '/checkin hours:3 done:"third week, late"'),
        (_berlin(first, 12, 30, 21), '/checkin hours:6 done:"fourth week"'),
        # The fifth week passes without a check-in: a reminder, then the freeze is spent.
        (_berlin(first, 12, 30, 35), '/checkin hours:2 done:"back at it"'),
        (_berlin(first, 12, 30, 35), "/progress"),
    ]
    lines = ["/setup checkins:#checkins", ":as ada", "/join timezone:Europe/Berlin"]
    clock = start
    for moment, command in stops:
        if moment > clock:
            lines.append(f":advance {int((moment - clock).total_seconds() // 60)}m")
            clock = moment
        lines.append(command)
    # The console's clock starts at START and runs at the machine's pace from the moment this
    # line is read, so the dates the script meets are the same on every day.
    result = run("\n".join(lines) + "\n", COHORT_TEST_CLOCK=f"{START.isoformat()},{wall.time()},1")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr

    streaks = re.findall(r"Your streak is (\d+) weeks?\.", out)
    assert streaks == ["1", "2", "3", "4", "5"]
    assert out.count("You earned a freeze") == 1
    assert re.findall(r"Freezes: (\d) of 2", out) == ["0", "0", "0", "1", "0", "0"]

    reminders = out.split("--- post to DM to ada ---")[1:]
    assert len(reminders) == 2
    assert "Your 2-week streak is waiting" in reminders[0]
    assert "Without a check-in, the streak breaks." in reminders[0]
    assert "Your 4-week streak is waiting" in reminders[1]
    assert "one of the freezes you hold is spent" in reminders[1]

    prompts = out.count("--- post to #checkins ---")
    possible = _sunday_prompts(start, clock)
    certain = _sunday_prompts(start + timedelta(minutes=2), clock)
    assert len(certain) <= prompts <= len(possible)
    assert prompts >= 5

    progress = out.split("== Progress of ada ==")[1]
    assert "5 check-ins in the first 6 weeks, 20 h in all." in progress
    assert "Streak: 5 weeks" in progress
    assert "saved to cohort-files/progress.png" in progress
