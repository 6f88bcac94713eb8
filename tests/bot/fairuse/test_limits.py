"""Fair-use limits: in flight and per minute, per member and per community, weighted by cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.fairuse.limits import SWEEP_EVERY, Admission, FairUse, Limits, Refusal

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def admitted(result: Admission | Refusal) -> Admission:
    assert isinstance(result, Admission), result
    return result


def refused(result: Admission | Refusal) -> Refusal:
    assert isinstance(result, Refusal), result
    return result


def test_a_member_waits_for_their_commands_in_flight_and_a_heavy_one_counts_more() -> None:
    fair = FairUse(Limits(member_concurrent=4, member_per_minute=0, community_per_minute=0))
    card = admitted(fair.admit("ada", "c", 3, NOW))
    lookup = admitted(fair.admit("ada", "c", 1, NOW))  # 3 + 1 fits in 4
    refusal = refused(fair.admit("ada", "c", 1, NOW))
    assert refusal.scope == "member"
    assert "still working on your earlier commands" in refusal.message
    admitted(fair.admit("bob", "c", 3, NOW))  # someone else is not held back
    card.release()
    card.release()  # releasing twice frees once
    admitted(fair.admit("ada", "c", 3, NOW))
    assert isinstance(fair.admit("ada", "c", 1, NOW), Refusal)
    lookup.release()


def test_a_command_alone_always_runs_whatever_its_cost() -> None:
    fair = FairUse(Limits(member_concurrent=2, member_per_minute=2))
    first = admitted(fair.admit("ada", "c", 3, NOW))  # more than either limit, but alone
    assert isinstance(fair.admit("ada", "c", 1, NOW), Refusal)
    first.release()


def test_the_per_minute_limit_slides_and_says_how_long_to_wait() -> None:
    fair = FairUse(Limits(member_concurrent=0, member_per_minute=5))
    for n in range(5):
        admitted(fair.admit("ada", "c", 1, NOW + n * 10 * SECOND)).release()
    refusal = refused(fair.admit("ada", "c", 1, NOW + 45 * SECOND))
    # The oldest unit (at 0 s) leaves the window at 60 s: 15 s from now.
    assert refusal.message == (
        "You've sent a lot of commands in the last minute; please try this one again in 15 seconds."
    )
    heavy = refused(fair.admit("ada", "c", 3, NOW + 45 * SECOND))
    assert "35 seconds" in heavy.message  # three units must leave: the one at 20 s last
    admitted(fair.admit("ada", "c", 1, NOW + 60 * SECOND))


def test_a_community_is_limited_as_a_whole() -> None:
    fair = FairUse(
        Limits(
            member_concurrent=0, member_per_minute=0, community_concurrent=2, community_per_minute=4
        )
    )
    a = admitted(fair.admit("ada", "c", 1, NOW))
    admitted(fair.admit("bob", "c", 1, NOW))
    busy = refused(fair.admit("eve", "c", 1, NOW))
    assert (busy.scope, busy.message) == (
        "community",
        "This community is keeping me very busy right now; please try again in a few seconds.",
    )
    admitted(fair.admit("eve", "other", 1, NOW))  # another community is not held back
    a.release()
    admitted(fair.admit("eve", "c", 1, NOW)).release()
    admitted(fair.admit("ann", "c", 1, NOW)).release()  # the fourth unit of the minute
    later = refused(fair.admit("zed", "c", 1, NOW + 30 * SECOND))
    assert "in 30 seconds" in later.message


def test_a_refused_command_spends_nothing() -> None:
    fair = FairUse(Limits(member_concurrent=1, member_per_minute=2))
    first = admitted(fair.admit("ada", "c", 1, NOW))
    for _ in range(10):
        refused(fair.admit("ada", "c", 1, NOW))
    first.release()
    admitted(fair.admit("ada", "c", 1, NOW)).release()  # the second unit of the minute


@pytest.mark.parametrize("limits", [Limits(0, 0, 0, 0)])
def test_zero_turns_every_limit_off(limits: Limits) -> None:
    fair = FairUse(limits)
    for _ in range(1000):
        admitted(fair.admit("ada", "c", 3, NOW))


def test_idle_members_are_forgotten_so_memory_stays_bounded() -> None:
    fair = FairUse(Limits())
    for n in range(SWEEP_EVERY - 1):
        admitted(fair.admit(f"m{n}", f"c{n}", 1, NOW)).release()
    assert fair.tracked() == 2 * (SWEEP_EVERY - 1)  # every member and community
    admitted(fair.admit("late", "c", 1, NOW + 2 * timedelta(minutes=1))).release()
    assert fair.tracked() <= 2  # only the member and community of the last minute remain
