"""Everything the digests feature says: the digest, feed health, focus and curated readings.

Titles, sources and problems come from feeds on the internet, so every piece of them goes
through :func:`bot.markdown.escape` or :func:`bot.markdown.link`; a title reading
``@everyone`` or ``<!channel>`` stays text on every platform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot import moments
from bot.content.limits import BODY, fits
from bot.content.model import Reading
from bot.digests.model import Digest, Item, Section
from bot.digests.store import Feed
from bot.markdown import escape, link
from bot.replies import Reply, Tone

TITLE = "Reading digest"
NO_CHANNEL = (
    "There is no digest channel yet, so nothing is posted: an organizer can set one with "
    "`setup digest:#channel`."
)
NOTHING_POSTED = (
    "No digest has been posted here yet. It goes out weekly at the community's digest time "
    "(see `setup`); organizers can see the next one with `digest preview`."
)
NO_FEEDS = (
    "This community follows no feeds yet: organizers can add one with `feeds add url:https://...` "
    "or turn on the built-in set of AI research and engineering feeds with `feeds defaults on`."
)
NO_FEEDS_POSTED = "This community follows no feeds yet, so this digest holds curated readings only."
ADDED_MEANWHILE = "another organizer added it at the same moment"
READINGS_HINT = (
    "Narrow or widen it with a topic, such as `reading rag`, or a phase, such as `reading phase:2`."
)
FOCUS_HINT = (
    "Organizers choose focus topics with `digest focus topics:llms,rag`; `digest focus "
    "topics:auto` goes back to the topics members name in their profile focus."
)


def _short(text: str, limit: int) -> str:
    """Feed text on one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


def _in(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 120:
        return f"in {minutes} min"
    hours = minutes // 60
    return f"in {hours} h" if hours < 48 else f"in {hours // 24} days"


def _and(words: Sequence[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}"


# -- the digest ------------------------------------------------------------------------------


def _item(item: Item) -> str:
    line = f"- {link(_short(item.title, 200) or item.url, item.url)}"
    source = _short(item.source, 80)
    return f"{line} · *{escape(source)}*" if source else line


def reading_line(reading: Reading) -> str:
    # Pack text is already written in the Markdown subset and validated on load.
    return f"- [{reading.title}]({reading.url}) · {reading.kind}: {reading.why}"


def _intro(digest: Digest, count: int, public: bool) -> str:
    if digest.feeds == 0:
        return NO_FEEDS_POSTED if public else NO_FEEDS  # a channel gets no organizer commands
    focus = f", leaning towards {escape(_and(digest.focus))}" if digest.focus else ""
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


def _fitted(build: Callable[[int], Reply], total: int) -> Reply:
    """The reply `build` makes with as many leading items as fit the limits."""
    count = total
    while True:
        reply = build(count)
        if count == 0 or not fits(reply):
            return reply
        count -= 1


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

    return _fitted(build, digest.count)


def latest(digest: Digest, week: str, posted_at: datetime, timezone: str) -> Reply:
    note = f"*Posted {moments.when(posted_at, timezone)}.*"
    return _view(_week_title(week), digest, note, "in the posted digest")


def preview(digest: Digest, channel: str | None, when: str, checked: int) -> Reply:
    where = f"posts in #{escape(channel)} {when}" if channel else "would post " + when
    refreshed = f" Checked {checked} feed(s) just now." if checked else ""
    note = f"*Preview: the next digest {where}, with what the feeds hold by then.{refreshed}*"
    if channel is None:
        note += f"\n\n{NO_CHANNEL}"
    return _view(f"Next {TITLE.lower()} (preview)", digest, note, "in the digest itself")


# -- feeds -----------------------------------------------------------------------------------


def health(feed: Feed, items: int, now: datetime) -> str:
    if not feed.enabled:
        return f"**disabled**: {escape(feed.disabled_reason or 'stopped')}"
    if feed.checked_at is None:
        return "not checked yet; Cohort checks it in its next round"
    if feed.failures:
        retry = ""
        if feed.next_check_at is not None:
            retry = f"; next try {_in(feed.next_check_at - now)}"
        return (
            f"**failing**, {feed.failures} time(s) in a row: "
            f"{escape(feed.problem or 'unknown error')}{retry}"
        )
    state = f"healthy, checked {_ago(now - feed.checked_at)}, {items} item(s) stored"
    if feed.problem:
        state += f"; warning: {escape(feed.problem)}"
    return state


def _feed_line(feed: Feed, items: int, now: datetime) -> str:
    tags = f" · {escape(', '.join(feed.tags))}" if feed.tags else ""
    built_in = " · built-in" if feed.default_id else ""
    name = link(_short(feed.name, 80), feed.address)
    return f"`{feed.id}` {name}{tags}{built_in} · {health(feed, items, now)}"


def feeds_list(feeds: Sequence[Feed], counts: dict[int, int], now: datetime) -> Reply:
    if not feeds:
        return Reply(title="Feeds", body=NO_FEEDS)
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

    return _fitted(build, len(lines))


def feed_added(feed: Feed, stored: int, restarted: bool) -> Reply:
    verb = "Following again" if restarted else "Now following"
    name = link(_short(feed.name, 100), feed.address)
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
            f"Following {len(added)} built-in feeds{kept}: {escape(_and(list(added)))}. "
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
            f"Cohort stopped checking {link(_short(feed.name, 100), feed.address)} (`{feed.id}`): "
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


def focus(topics: Sequence[str], chosen: bool) -> Reply:
    if not topics:
        body = (
            "No focus topics yet: the digest ranks by freshness and variety alone. "
            'Members\' profile focus (`profile set focus:"nlp, rag"`) sets it when organizers '
            "have not."
        )
    else:
        source = "chosen by organizers" if chosen else "taken from members' profile focus"
        body = f"The digest leans towards {escape(_and(list(topics)))} ({source})."
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

    return _fitted(build, len(lines))
