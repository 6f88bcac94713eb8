"""Renders core replies as Discord messages, embeds, buttons and selects, within
Discord's limits, with every piece of user text escaped."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import discord

from adapters.discord.convert import pick_id, run_id
from bot.markdown import Kind, plain, tokenize
from bot.replies import Action, ActionStyle, Reply, Select, Tone

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
EMBED_TOTAL_LIMIT = 6000  # across every embed of one message
EMBEDS_PER_MESSAGE = 10
BUTTONS_PER_MESSAGE = 25
BUTTON_LABEL_LIMIT = 80
SELECT_OPTIONS = 25
SELECT_LABEL_LIMIT = 100
SELECT_VALUE_LIMIT = 100
THREAD_NAME_LIMIT = 100
PLACEHOLDER_LIMIT = 100
ALT_TEXT_LIMIT = 1024

# A reply longer than this is cut, visibly, rather than flooding a channel with messages.
BODY_LIMIT = 2 * DESCRIPTION_LIMIT
MAX_MESSAGES = 4

ELLIPSIS = "…"
TRUNCATED = "… (truncated: too long for Discord)"
EMPTY = "\u200b"  # Discord rejects empty embeds and fields; a zero-width space shows nothing
PUBLIC_FOLLOWS = "Shared with the channel below."

COLOURS = {
    Tone.INFO: discord.Colour(0x5865F2),
    Tone.SUCCESS: discord.Colour(0x57F287),
    Tone.WARNING: discord.Colour(0xFEE75C),
    Tone.ERROR: discord.Colour(0xED4245),
}
STYLES = {
    ActionStyle.PRIMARY: discord.ButtonStyle.primary,
    ActionStyle.SECONDARY: discord.ButtonStyle.secondary,
    ActionStyle.DANGER: discord.ButtonStyle.danger,
}


@dataclass
class Outgoing:
    """One Discord message to send."""

    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[discord.File] = field(default_factory=list)
    view: discord.ui.View | None = None


# Escaping user text -----------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,:;\"')\]]")
_MARKUP = re.compile(r"[\\*_~|`\[\]<>#]")
_LIST_MARK = re.compile(r"^(\s*)([-+])(?=\s)", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)


def neutralize_mentions(text: str) -> str:
    """Break every @everyone, @here, user and role mention with a zero-width space, so no
    mention survives even where allowed_mentions is not in play (embeds, edits, forwards)."""
    return _MASS_MENTION.sub("@\u200b\\1", discord.utils.escape_mentions(text))


def escape_text(text: str) -> str:
    """Literal user or feed text as Discord markdown: no formatting, links, headings, lists
    or mentions. Bare URLs are kept intact so Discord still links them."""
    pieces: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        pieces.append(_escape_markup(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_escape_markup(text[last:]))
    return neutralize_mentions("".join(pieces))


def _escape_markup(text: str) -> str:
    text = _MARKUP.sub(r"\\\g<0>", text)
    text = _LIST_MARK.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\.", text)


def markdown(text: str) -> str:
    """The core's Markdown subset as Discord markdown."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("- "):
            lines.append("- " + _inline(line[2:]))
        else:
            lines.append(_inline(line))
    return "\n".join(lines)


def _inline(line: str) -> str:
    parts: list[str] = []
    for token in tokenize(line):
        if token.kind is Kind.TEXT:
            parts.append(escape_text(token.text))
        elif token.kind is Kind.BOLD:
            parts.append("**")
        elif token.kind is Kind.ITALIC:
            parts.append("*")
        elif token.kind is Kind.CODE:
            parts.append(f"`{neutralize_mentions(token.text)}`")
        elif token.kind is Kind.LINK:
            parts.append(f"[{escape_text(token.text)}]({token.url})")
        elif token.text.isdigit():  # a mention of a Discord user id
            parts.append(f"<@{token.text}>")
        else:
            parts.append("@" + escape_text(token.text))
    return "".join(parts)


# Limits ------------------------------------------------------------------------------------


def clip(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """`text` cut to `limit` characters with a visible marker when it was longer."""
    if len(text) <= limit:
        return text
    return _without_dangling_escape(text[: limit - len(marker)]) + marker


def _without_dangling_escape(text: str) -> str:
    """Drop a final backslash that escaped a character we cut off."""
    trailing = len(text) - len(text.rstrip("\\"))
    return text[:-1] if trailing % 2 else text


def split(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, at line breaks where possible,
    then at spaces, never between a backslash and the character it escapes."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut <= 0:
                cut = limit
            head = _without_dangling_escape(line[:cut])
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            line = line[len(head) :].lstrip(" ")
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()]


# Replies -----------------------------------------------------------------------------------


def reply(answer: Reply, guild_id: str | None = None) -> list[Outgoing]:
    """A reply as one or more messages. `guild_id` is given for messages sent outside the
    server (DMs), so their buttons still know which community they belong to."""
    colour = COLOURS[answer.tone]
    views, hints = _components(answer.actions, answer.selects, guild_id)
    sections = []
    if answer.body:
        sections.append(markdown(answer.body))
    if answer.items:
        sections.append("\n".join("- " + markdown(item) for item in answer.items))
    if hints:
        sections.append("\n".join(hints))
    description = clip("\n\n".join(sections), BODY_LIMIT, "\n" + TRUNCATED)

    chunks = split(description, DESCRIPTION_LIMIT)
    first = discord.Embed(
        title=clip(markdown(answer.title), TITLE_LIMIT) if answer.title else None,
        description=chunks[0] if chunks else None,
        colour=colour,
    )
    embeds = [first, *(discord.Embed(description=c, colour=colour) for c in chunks[1:])]
    for item in answer.fields:
        name = clip(markdown(item.name), FIELD_NAME_LIMIT) or EMPTY
        value = clip(markdown(item.value), FIELD_VALUE_LIMIT) or EMPTY
        last = embeds[-1]
        if (
            len(last.fields) >= FIELDS_PER_EMBED
            or len(last) + len(name) + len(value) > EMBED_TOTAL_LIMIT
        ):
            last = discord.Embed(colour=colour)
            embeds.append(last)
        last.add_field(name=name, value=value, inline=item.inline)

    files = []
    if answer.image:
        filename = _filename(answer.image.filename)
        first.set_image(url=f"attachment://{filename}")
        files.append(
            discord.File(
                io.BytesIO(answer.image.data),
                filename=filename,
                description=clip(plain(answer.image.alt), ALT_TEXT_LIMIT) or None,
            )
        )
    if answer.attachment:
        files.append(
            discord.File(
                io.BytesIO(answer.attachment.data),
                filename=_filename(
                    answer.attachment.filename, PurePath(answer.attachment.filename).suffix
                ),
            )
        )
    if not (first.title or first.description or first.fields or answer.image):
        first.description = EMPTY

    messages = [Outgoing(embeds=group) for group in _pack(embeds, colour)]
    messages[0].files = files
    if views:
        messages[-1].view = views[0]
        # A message holds five rows of components: the rest follow in messages of their own.
        messages.extend(
            Outgoing(embeds=[discord.Embed(description=EMPTY, colour=colour)], view=more)
            for more in views[1:]
        )
    return messages


def _pack(embeds: list[discord.Embed], colour: discord.Colour) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters, keeping at most
    MAX_MESSAGES messages and saying so when something was left out."""
    groups: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        group = groups[-1]
        if group and (
            len(group) == EMBEDS_PER_MESSAGE
            or sum(len(e) for e in group) + len(embed) > EMBED_TOTAL_LIMIT
        ):
            groups.append(group := [])
        group.append(embed)
    if len(groups) <= MAX_MESSAGES:
        return groups
    kept = groups[:MAX_MESSAGES]
    last = kept[-1]
    marker = discord.Embed(description=TRUNCATED, colour=colour)
    while last and (
        len(last) == EMBEDS_PER_MESSAGE
        or sum(len(e) for e in last) + len(marker) > EMBED_TOTAL_LIMIT
    ):
        last.pop()
    last.append(marker)
    return kept


_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")


def _filename(name: str, suffix: str = ".png") -> str:
    """A file name Discord accepts, ending in `suffix` (an embed shows only known picture
    types inline); one that cannot be kept becomes `file<suffix>`."""
    cleaned = _FILENAME.sub("_", name)[-100:].lstrip("._")
    return cleaned if cleaned.lower().endswith(suffix) else f"file{suffix}"


def _components(
    actions: Sequence[Action], selects: Sequence[Select], guild_id: str | None
) -> tuple[list[discord.ui.View], list[str]]:
    """Buttons for the actions and a select for each picker, in as many views (one per
    message) as their rows need, and a text hint for any that cannot be one (its command is
    too long for a custom id, or there are more buttons than a message can hold)."""
    items: list[discord.ui.Item[discord.ui.View]] = []
    hints = []
    buttons = 0
    for action in actions:
        custom_id = run_id(action.command, guild_id)
        if custom_id is None or buttons >= BUTTONS_PER_MESSAGE:
            hints.append(f"{escape_text(plain(action.label))}: {escape_text('/' + action.command)}")
            continue
        buttons += 1
        items.append(
            discord.ui.Button(
                label=clip(plain(action.label), BUTTON_LABEL_LIMIT) or ELLIPSIS,
                custom_id=custom_id,
                style=STYLES[action.style],
            )
        )
    for select in selects:
        if (item := _select(select, guild_id)) is not None:
            items.append(item)
        else:
            hints.append(f"{escape_text(plain(select.label))}: /{select.command} {select.option}:")
    views: list[discord.ui.View] = []
    for item in items:
        try:
            views[-1].add_item(item)
        except (IndexError, ValueError):  # no view yet, or its rows are full
            views.append(discord.ui.View(timeout=None))
            views[-1].add_item(item)
    # Clicks are dispatched by the dynamic items the client registers at start-up, which
    # survive restarts; a stopped view is never kept in discord.py's per-message store.
    for view in views:
        view.stop()
    return views, hints


def _select(select: Select, guild_id: str | None) -> discord.ui.Item[discord.ui.View] | None:
    """A channel select, or a select of choices (at most 25, Discord's limit)."""
    custom_id = pick_id(select, guild_id)
    if custom_id is None:
        return None
    placeholder = clip(plain(select.label), PLACEHOLDER_LIMIT)
    if select.picks_channel:
        return discord.ui.ChannelSelect(
            custom_id=custom_id,
            placeholder=placeholder,
            channel_types=[discord.ChannelType.text, discord.ChannelType.news],
            default_values=[discord.Object(int(c)) for c in select.current if c.isdigit()],
        )
    choices = select.choices[:SELECT_OPTIONS]
    return discord.ui.Select(
        custom_id=custom_id,
        placeholder=placeholder,
        min_values=1,
        max_values=len(choices) if select.multiple else 1,
        options=[
            discord.SelectOption(
                label=clip(plain(c.label), SELECT_LABEL_LIMIT) or c.value,
                value=c.value[:SELECT_VALUE_LIMIT],
                default=c.value in select.current,
            )
            for c in choices
        ],
    )


# Outbox helpers ----------------------------------------------------------------------------


def thread_name(answer: Reply) -> str:
    return clip(plain(answer.title or "").strip() or "Cohort", THREAD_NAME_LIMIT)


def mentions(user_ids: Sequence[str]) -> str:
    """Mentions of the given Discord users, as many whole ones as fit in one message."""
    text = ""
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        if not user_id.isdigit() or len(text) + len(mention) + 1 > CONTENT_LIMIT:
            continue
        text = f"{text} {mention}" if text else mention
    return text
