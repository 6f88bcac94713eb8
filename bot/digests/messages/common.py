"""Wording pieces both the digest and the feed messages use: feed text on one line, times,
lists, replies cut to fit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.content.limits import fits
from bot.replies import Action, ActionStyle, Reply

NO_FEEDS = (
    "This community follows no feeds yet: organizers can add one with `feeds add url:https://...` "
    "or turn on the built-in set of AI research and engineering feeds with `feeds defaults on`."
)

FOLLOW_BUILTIN = Action("Follow the built-in feeds", "feeds defaults on", ActionStyle.PRIMARY)


def short(text: str, limit: int) -> str:
    """Feed text on one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


def in_(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 120:
        return f"in {minutes} min"
    hours = minutes // 60
    return f"in {hours} h" if hours < 48 else f"in {hours // 24} days"


def and_(words: Sequence[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}"


def fitted(build: Callable[[int], Reply], total: int) -> Reply:
    """The reply `build` makes with as many leading items as fit the limits."""
    count = total
    while True:
        reply = build(count)
        if count == 0 or not fits(reply):
            return reply
        count -= 1
