"""What a member is told when a fair-use limit holds their command back (one line each)."""

from __future__ import annotations


def member_busy() -> str:
    return (
        "I'm still working on your earlier commands; please send this one again once they "
        "are answered."
    )


def member_rate(seconds: int) -> str:
    return (
        "You've sent a lot of commands in the last minute; please try this one again in "
        f"{_seconds(seconds)}."
    )


def community_busy() -> str:
    return "This community is keeping me very busy right now; please try again in a few seconds."


def community_rate(seconds: int) -> str:
    return (
        "This community has sent me a lot of commands in the last minute; please try again "
        f"in {_seconds(seconds)}."
    )


def _seconds(seconds: int) -> str:
    return "a second" if seconds <= 1 else f"{seconds} seconds"
