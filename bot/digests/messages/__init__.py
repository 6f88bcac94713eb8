"""Everything the digests feature says: the digest, focus and curated readings here, feed
health in `feeds` (its wording is named here too, so callers import one module).

Titles, sources and problems come from feeds on the internet, so every piece of them goes
through :func:`bot.markdown.escape` or :func:`bot.markdown.link`; a title reading
``@everyone`` or ``<!channel>`` stays text on every platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot import moments
from bot.content.limits import BODY
from bot.content.model import Reading
from bot.digests.messages.common import FOLLOW_BUILTIN, NO_FEEDS, and_, fitted, short
from bot.digests.messages.feeds import (
    ADDED_MEANWHILE,
    already_following,
    defaults_off,
    defaults_on,
    failed_too_often,
    feed_added,
    feed_disabled,
    feed_removed,
    feeds_list,
    gone,
    health,
    moved_onto,
    no_feed,
    not_added,
    too_many_feeds,
    unknown_topics,
)
from bot.digests.model import Digest, Item, Section
from bot.markdown import escape, link
from bot.replies import Action, Reply

TITLE = "Reading digest"
NO_CHANNEL = (
    "There is no digest channel yet, so nothing is posted: an organizer can set one with "
    "`setup digest:#channel`."
)
NOTHING_POSTED = (
    "No digest has been posted here yet. It goes out weekly at the community's digest time "
    "(see `setup`); organizers can see the next one with `digest preview`."
)
NO_FEEDS_POSTED = "This community follows no feeds yet, so this digest holds curated readings only."
READINGS_HINT = (
    "Narrow or widen it with a topic, such as `reading rag`, or a phase, such as `reading phase:2`."
)
FOCUS_HINT = (
    "Organizers choose focus topics with `digest focus topics:llms,rag`; `digest focus "
    "topics:auto` goes back to the topics members name in their profile focus."
)


# -- the digest ------------------------------------------------------------------------------


def _item(item: Item) -> str:
    line = f"- {link(short(item.title, 200) or item.url, item.url)}"
    source = short(item.source, 80)
    return f"{line} · *{escape(source)}*" if source else line


def reading_line(reading: Reading) -> str:
    # Pack text is already written in the Markdown subset and validated on load.
    return f"- [{reading.title}]({reading.url}) · {reading.kind}: {reading.why}"


def _intro(digest: Digest, count: int, public: bool) -> str:
    if digest.feeds == 0:
        return NO_FEEDS_POSTED if public else NO_FEEDS  # a channel gets no organizer commands
    focus = f", leaning towards {escape(and_(digest.focus))}" if digest.focus else ""
    feeds = "the feed" if digest.feeds == 1 else f"the {digest.feeds} feeds"
    if count == 0:
        return f"A quiet week: nothing new from {feeds} this community follows."
    reads = "read" if count == 1 else "reads"
    return f"**{count} new {reads}** from {feeds} this community follows{focus}."


def _blocks(digest: Digest, count: int, public: bool = False) -> list[tuple[str, list[str]]]:
    """Paragraphs as a heading and its lines, in the order they are shown; `count` is how
    many items the whole digest has (a view may show fewer)."""
    several = len(digest.sections) > 1
    blocks: list[tuple[str, list[str]]] = [(_intro(digest, count, public), [])]
    for section in digest.sections:
        heading = section.title if section.topic else ("Also new" if several else "New this week")
        blocks.append((f"**{escape(heading)}**", [_item(i) for i in section.items]))
    if digest.readings:
        noun = "reading" if len(digest.readings) == 1 else "readings"
        heading = f"**Curated {noun} for where members are on the roadmap**"
        blocks.append((heading, [reading_line(r) for r in digest.readings]))
    return blocks


def _pack(blocks: list[tuple[str, list[str]]], budget: int) -> list[str]:
    """Bodies of at most `budget` characters holding the blocks in order. A block moves whole
    to the next body when it does not fit; one too long for any body is split between its
    lines, its heading repeated."""
    bodies: list[list[str]] = [[]]

    def room(paragraph: str) -> bool:
        return len("\n\n".join([*bodies[-1], paragraph])) <= budget

    for heading, lines in blocks:
        whole = "\n".join([heading, *lines])
        if room(whole):
            bodies[-1].append(whole)
            continue
        if bodies[-1] and len(whole) <= budget:
            bodies.append([whole])
            continue
        chunk = [heading]
        for line in lines:
            if not room("\n".join([*chunk, line])) and (len(chunk) > 1 or bodies[-1]):
                if len(chunk) > 1:
                    bodies[-1].append("\n".join(chunk))
                    chunk = [f"{heading} *continued*"]
                bodies.append([])
            chunk.append(line)
        bodies[-1].append("\n".join(chunk))
    return ["\n\n".join(b) for b in bodies if b]


def _week_title(week: str) -> str:
    year, number = week.split("-W")
    return f"{TITLE} · week {int(number)}, {year}"


def posts(digest: Digest, week: str, late: bool) -> list[Reply]:
    """The digest as the messages posted to the digest channel, split where it must be."""
    blocks = _blocks(digest, digest.count, public=True)
    closing = "Catch up any time with `digest`; more curated readings with `reading`."
    if late:
        closing += "\n\n*Posted late: Cohort was offline at the scheduled time.*"
    blocks.append((closing, []))
    bodies = _pack(blocks, BODY)
    title = _week_title(week)
    if len(bodies) == 1:
        return [Reply(title=title, body=bodies[0], private=False)]
    return [
        Reply(title=f"{title} ({n}/{len(bodies)})", body=body, private=False)
        for n, body in enumerate(bodies, 1)
    ]


def _first(digest: Digest, count: int) -> Digest:
    sections: list[Section] = []
    left = count
    for section in digest.sections:
        if left <= 0:
            break
        sections.append(Section(section.topic, section.title, section.items[:left]))
        left -= len(section.items)
    return Digest(tuple(sections), digest.readings, digest.focus, digest.feeds)


def _view(title: str, digest: Digest, note: str, rest: str) -> Reply:
    """The digest as one reply: as many items as fit, then how many more `rest` has."""

    def build(count: int) -> Reply:
        blocks = _blocks(_first(digest, count), digest.count)
        body = "\n\n".join("\n".join([heading, *lines]) for heading, lines in blocks)
        if count < digest.count:
            body += f"\n\n*…and {digest.count - count} more {rest}.*"
        return Reply(title=title, body=f"{body}\n\n{note}")

    return fitted(build, digest.count)


def latest(digest: Digest, week: str, posted_at: datetime, timezone: str) -> Reply:
    note = f"*Posted {moments.when(posted_at, timezone)}.*"
    return _view(_week_title(week), digest, note, "in the posted digest")


def preview(
    digest: Digest, channel: str | None, when: str, checked: int, here: str | None
) -> Reply:
    """The next digest for an organizer, with a button for each missing thing it needs: feeds,
    and a channel (`here`, the one they are in)."""
    where = f"posts in #{escape(channel)} {when}" if channel else "would post " + when
    refreshed = f" Checked {checked} feed(s) just now." if checked else ""
    note = f"*Preview: the next digest {where}, with what the feeds hold by then.{refreshed}*"
    actions = [FOLLOW_BUILTIN] if digest.feeds == 0 else []
    if channel is None:
        note += f"\n\n{NO_CHANNEL}"
        if here:
            actions.append(Action("Post the digest here", f"setup digest:{here}"))
    shown = _view(f"Next {TITLE.lower()} (preview)", digest, note, "in the digest itself")
    return replace(shown, actions=tuple(actions))


def focus(topics: Sequence[str], chosen: bool) -> Reply:
    if not topics:
        body = (
            "No focus topics yet: the digest ranks by freshness and variety alone. "
            'Members\' profile focus (`profile set focus:"nlp, rag"`) sets it when organizers '
            "have not."
        )
    else:
        source = "chosen by organizers" if chosen else "taken from members' profile focus"
        body = f"The digest leans towards {escape(and_(list(topics)))} ({source})."
    return Reply(title="Digest focus", body=f"{body}\n\n{FOCUS_HINT}")


# -- readings ----------------------------------------------------------------------------------


def no_phase(number: int, phases: int) -> str:
    return f"There is no phase {number}: this roadmap has phases 1 to {phases}."


def readings_title(topics: Sequence[str], phase: tuple[int, str] | None) -> str:
    parts = [", ".join(topics)] if topics else []
    if phase is not None:
        parts.append(f"phase {phase[0]}, {phase[1]}")
    return "Curated readings: " + " · ".join(parts)


def readings(title: str, chosen: Sequence[Reading]) -> Reply:
    if not chosen:
        return Reply(title=title, body=f"No curated readings match that. {READINGS_HINT}")
    lines = [reading_line(r).removeprefix("- ") for r in chosen]

    def build(count: int) -> Reply:
        more = f"Showing {count} of {len(lines)}. " if count < len(lines) else ""
        return Reply(title=title, body=f"{more}{READINGS_HINT}", items=tuple(lines[:count]))

    return fitted(build, len(lines))


__all__ = [
    "ADDED_MEANWHILE",
    "FOLLOW_BUILTIN",
    "NO_FEEDS",
    "already_following",
    "defaults_off",
    "defaults_on",
    "failed_too_often",
    "feed_added",
    "feed_disabled",
    "feed_removed",
    "feeds_list",
    "gone",
    "health",
    "moved_onto",
    "no_feed",
    "not_added",
    "too_many_feeds",
    "unknown_topics",
]
