"""What the digests feature says about feeds: their list and health, adding, removing and
disabling them. Titles, addresses and problems come from feed servers: all escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digests.messages.common import FOLLOW_BUILTIN, NO_FEEDS, ago, and_, fitted, in_, short
from bot.digests.model import Feed
from bot.markdown import escape, link
from bot.replies import Reply, Tone

ADDED_MEANWHILE = "another organizer added it at the same moment"


def health(feed: Feed, items: int, now: datetime) -> str:
    if not feed.enabled:
        return f"**disabled**: {escape(feed.disabled_reason or 'stopped')}"
    if feed.checked_at is None:
        return "not checked yet; Cohort checks it in its next round"
    if feed.failures:
        retry = ""
        if feed.next_check_at is not None:
            retry = f"; next try {in_(feed.next_check_at - now)}"
        return (
            f"**failing**, {feed.failures} time(s) in a row: "
            f"{escape(feed.problem or 'unknown error')}{retry}"
        )
    state = f"healthy, checked {ago(now - feed.checked_at)}, {items} item(s) stored"
    if feed.problem:
        state += f"; warning: {escape(feed.problem)}"
    return state


def _feed_line(feed: Feed, items: int, now: datetime) -> str:
    tags = f" · {escape(', '.join(feed.tags))}" if feed.tags else ""
    built_in = " · built-in" if feed.default_id else ""
    name = link(short(feed.name, 80), feed.address)
    return f"`{feed.id}` {name}{tags}{built_in} · {health(feed, items, now)}"


def feeds_list(feeds: Sequence[Feed], counts: dict[int, int], now: datetime) -> Reply:
    if not feeds:
        return Reply(title="Feeds", body=NO_FEEDS, actions=(FOLLOW_BUILTIN,))
    lines = [_feed_line(f, counts.get(f.id, 0), now) for f in feeds]
    failing = sum(1 for f in feeds if f.enabled and f.failures)
    disabled = sum(1 for f in feeds if not f.enabled)
    summary = f"{len(feeds)} feed(s)"
    if failing or disabled:
        summary += f": {failing} failing, {disabled} disabled"
    hint = (
        f"Remove one by its number, such as `feeds remove {feeds[0].id}`; adding a disabled feed "
        "again with `feeds add` restarts it."
    )

    def build(count: int) -> Reply:
        more = f" Showing the first {count}." if count < len(lines) else ""
        return Reply(title="Feeds", body=f"{summary}.{more} {hint}", items=tuple(lines[:count]))

    return fitted(build, len(lines))


def feed_added(feed: Feed, stored: int, restarted: bool) -> Reply:
    verb = "Following again" if restarted else "Now following"
    name = link(short(feed.name, 100), feed.address)
    if feed.failures:
        return Reply(
            body=(
                f"{verb} {name} (`{feed.id}`), but the first check failed: "
                f"{escape(feed.problem or 'unknown error')}. Cohort tries again with growing "
                "pauses and disables it after repeated failures; `feeds list` shows how it goes."
            ),
            tone=Tone.WARNING,
        )
    warning = f" Warning: {escape(feed.problem)}." if feed.problem else ""
    return Reply(
        body=(
            f"{verb} {name} (`{feed.id}`). Its {stored} current item(s) count as already seen, "
            f"so the digest only carries what it publishes from now on.{warning}"
        ),
        tone=Tone.SUCCESS,
    )


def not_added(url: str, problem: str, hint: bool = False) -> str:
    """Why a feed was not followed; with `hint`, where to find a feed's real address (for an
    answer that was not a feed, not for an address Cohort refuses)."""
    text = f"I did not add {escape(url)}: {escape(problem)}."
    if hint:
        text += " Check the address; a feed's link is often marked RSS or Atom on the site."
    return text


def already_following(feed: Feed) -> str:
    return f"This community already follows that feed as `{feed.id}` ({escape(feed.name)})."


def too_many_feeds(limit: int) -> str:
    return (
        f"A community can follow up to {limit} feeds: `feeds list` shows their numbers, and "
        "`feeds remove` with a number stops one."
    )


def no_feed(feed_id: int) -> str:
    return f"There is no feed `{feed_id}` in this community; `feeds list` shows their numbers."


def feed_removed(feed: Feed) -> Reply:
    return Reply(
        body=f"Stopped following {escape(feed.name)}. Digests already posted stay as they are.",
        tone=Tone.SUCCESS,
    )


def defaults_on(added: Sequence[str], already: int) -> Reply:
    if not added:
        return Reply(body=f"All {already} built-in feeds are already followed.")
    kept = f" ({already} were already followed)" if already else ""
    return Reply(
        body=(
            f"Following {len(added)} built-in feeds{kept}: {escape(and_(list(added)))}. "
            "Cohort checks them in its next round; what they hold today counts as already seen."
        ),
        tone=Tone.SUCCESS,
    )


def defaults_off(removed: int) -> Reply:
    if not removed:
        return Reply(body="No built-in feeds were followed.")
    return Reply(
        body=f"Stopped following {removed} built-in feed(s). Feeds organizers added stay.",
        tone=Tone.SUCCESS,
    )


def unknown_topics(given: Sequence[str], known: Sequence[str]) -> str:
    shown = ", ".join(f"`{t}`" for t in known[:40])
    return f"Unknown topic(s): {escape(', '.join(given))}. Topics of this content pack: {shown}."


def feed_disabled(feed: Feed, reason: str) -> Reply:
    return Reply(
        title="A feed was disabled",
        body=(
            f"Cohort stopped checking {link(short(feed.name, 100), feed.address)} (`{feed.id}`): "
            f"{escape(reason)}. Its stored items can still appear in the digest. Adding the "
            "same address again with `feeds add` restarts it, a new address is added the same "
            f"way, and `feeds remove id:{feed.id}` drops it."
        ),
        tone=Tone.WARNING,
        private=True,
    )


def gone() -> str:
    return "the server says the feed is gone for good (HTTP 410)"


def failed_too_often(failures: int, problem: str) -> str:
    return f"it failed {failures} times in a row, lately with: {problem}"


def moved_onto(url: str) -> str:
    return f"it moved permanently to {url}, which this community already follows"
