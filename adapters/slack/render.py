"""Renders core replies as Block Kit and forms as modals, within Slack's limits.

The Markdown subset becomes Slack mrkdwn. Literal text (what users typed, what feeds said) is
escaped (`&`, `<`, `>`), so nothing in it can become a link or a mention such as `<!channel>`;
only the core's own links and mentions are written as Slack markup. plain_text objects
(headers, labels, titles) are never parsed for mentions, so they carry the text unescaped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.slack.convert import pick_id
from bot import markdown as md
from bot.replies import Action, ActionStyle, Choice, Reply, Select, Tone

log = logging.getLogger(__name__)

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
HEADER_LIMIT = 150
FALLBACK_LIMIT = 3000
CONTEXT_LIMIT = 2000
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
MENU_OPTIONS = 100
OPTION_LIMIT = 75
PLACEHOLDER_LIMIT = 150

ACTION_PREFIX = "cohort:run:"  # + the button's position; the value carries the command line

_TONE_MARK = {
    Tone.INFO: "",
    Tone.SUCCESS: ":white_check_mark: ",
    Tone.WARNING: ":warning: ",
    Tone.ERROR: ":x: ",
}


def escape(text: str) -> str:
    """Literal text for mrkdwn: Slack reads only `&`, `<` and `>` as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _clip(text, limit), "emoji": True}


# --- Markdown subset to mrkdwn -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mark:
    """A style marker that opens or closes a span: `*` bold, `_` italic, a backquote code."""

    symbol: str


_BOLD, _ITALIC, _CODE = _Mark("*"), _Mark("_"), _Mark("`")
_RESERVE = 3  # room kept for closing every span that may be open when a line is split
_WORDS = re.compile(r"\s+|\S+")

_Piece = str | _Mark


def _text_pieces(text: str, limit: int) -> list[str]:
    """Escaped words, and single characters for a word too long to fit in one piece."""
    pieces: list[str] = []
    for word in _WORDS.findall(text):
        escaped = escape(word)
        pieces.extend([escaped] if len(escaped) <= limit else [escape(c) for c in word])
    return pieces


def _url(url: str) -> str:
    # `|` would end the URL part of `<url|label>`; `&` is escaped like everywhere in mrkdwn.
    return escape(url).replace("|", "%7C")


def _line_pieces(line: str, limit: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    if line.startswith("- "):
        pieces.append("• ")
        line = line[2:]
    for token in md.tokenize(line):
        if token.kind is md.Kind.TEXT:
            pieces.extend(_text_pieces(token.text, limit))
        elif token.kind is md.Kind.BOLD:
            pieces.append(_BOLD)
        elif token.kind is md.Kind.ITALIC:
            pieces.append(_ITALIC)
        elif token.kind is md.Kind.CODE:
            pieces.extend([_CODE, *_text_pieces(token.text, limit), _CODE])
        elif token.kind is md.Kind.LINK:
            label = escape(token.text) if token.text else _url(token.url)
            link = f"<{_url(token.url)}|{label}>"
            if len(link) <= limit:
                pieces.append(link)
            else:
                pieces.extend(_text_pieces(f"{token.text} ({token.url})", limit))
        else:  # a mention, written by the core (user text reaches here escaped)
            pieces.append(f"<@{token.text}>")
    return pieces


def _split_line(pieces: Sequence[_Piece], limit: int) -> list[str]:
    """Join a line's pieces into parts of at most `limit` characters. A span still open where
    a part ends is closed there and reopened in the next part, and closed at the line's end."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    spans: list[str] = []
    for piece in pieces:
        text = piece.symbol if isinstance(piece, _Mark) else piece
        if current and size + len(text) + _RESERVE > limit:
            current.append("".join(reversed(spans)))
            parts.append("".join(current))
            current, size = list(spans), len(spans)
        if isinstance(piece, _Mark):
            if piece.symbol in spans:
                spans.remove(piece.symbol)
            else:
                spans.append(piece.symbol)
        current.append(text)
        size += len(text)
    current.append("".join(reversed(spans)))
    parts.append("".join(current))
    return parts


def chunks(markdown: str, limit: int = SECTION_LIMIT) -> list[str]:
    """The subset as mrkdwn texts of at most `limit` characters each, split between lines
    where possible and between words otherwise; empty when there is nothing to show."""
    groups: list[list[str]] = [[]]
    size = 0
    for line in markdown.split("\n"):
        for part in _split_line(_line_pieces(line, limit - 2 * _RESERVE), limit):
            cost = len(part) + (1 if groups[-1] else 0)
            if groups[-1] and size + cost > limit:
                groups.append([])
                size, cost = 0, len(part)
            groups[-1].append(part)
            size += cost
    texts = ("\n".join(group).strip("\n") for group in groups)
    return [text for text in texts if text.strip()]


def mrkdwn(markdown: str, limit: int) -> str:
    """The subset as one mrkdwn text of at most `limit` characters, cut short with `…`."""
    parts = chunks(markdown, limit - 2)
    if not parts:
        return ""
    return parts[0] + (" …" if len(parts) > 1 else "")


# --- Blocks ------------------------------------------------------------------------------------


def section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(markdown: str) -> Block:
    text = mrkdwn(markdown, CONTEXT_LIMIT) or " "
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _field_text(name: str, value: str, limit: int) -> str:
    head = f"*{escape(_clip(md.plain(name), 200))}*\n"
    return head + mrkdwn(value, limit - len(head))


def _fields(reply: Reply) -> list[Block]:
    blocks: list[Block] = []
    inline: list[Block] = []

    def flush() -> None:
        if inline:
            blocks.append({"type": "section", "fields": list(inline)})
            inline.clear()

    for field in reply.fields:
        if field.inline:
            inline.append(
                {"type": "mrkdwn", "text": _field_text(field.name, field.value, FIELD_LIMIT)}
            )
            if len(inline) == FIELDS_PER_SECTION:
                flush()
            continue
        flush()
        head = f"*{escape(_clip(md.plain(field.name), 200))}*"
        texts = chunks(field.value, SECTION_LIMIT - len(head) - 1) or [""]
        blocks.append(section(f"{head}\n{texts[0]}".rstrip("\n")))
        blocks.extend(section(text) for text in texts[1:])
    flush()
    return blocks


def reply_content(reply: Reply) -> list[Block]:
    """Everything a reply shows except its buttons, as blocks."""
    blocks: list[Block] = []
    mark = _TONE_MARK[reply.tone]
    body = reply.body
    if reply.title and md.plain(reply.title).strip():
        blocks.append({"type": "header", "text": plain_text(mark + md.plain(reply.title), 150)})
    elif mark and body:
        body = mark + body
    blocks.extend(section(text) for text in chunks(body))
    blocks.extend(_fields(reply))
    items = "\n".join("- " + item.replace("\n", " ") for item in reply.items)
    blocks.extend(section(text) for text in chunks(items))
    if reply.image:
        blocks.append(_context(f":frame_with_picture: {md.escape(reply.image.alt)}"))
    return blocks


def buttons(actions: Iterable[Action]) -> list[Block]:
    elements: list[Block] = []
    for action in actions:
        if len(action.command) > BUTTON_VALUE_LIMIT:
            # The command line would not survive the round trip through Slack; a button that
            # runs something else would be worse than no button.
            log.warning("button %r left out: its command is too long for Slack", action.label)
            continue
        button: Block = {
            "type": "button",
            "text": plain_text(md.plain(action.label), BUTTON_LABEL_LIMIT),
            "action_id": f"{ACTION_PREFIX}{len(elements)}",
            "value": action.command,
        }
        if action.style is ActionStyle.PRIMARY:
            button["style"] = "primary"
        elif action.style is ActionStyle.DANGER:
            button["style"] = "danger"
        elements.append(button)
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


def _selects(selects: Iterable[Select]) -> list[Block]:
    """The pickers, in one actions block: a conversation picker (public and private channels)
    or a menu of choices, one or several."""
    elements: list[Block] = []
    for select in selects:
        element: Block = {
            "action_id": pick_id(select),
            "placeholder": plain_text(md.plain(select.label), PLACEHOLDER_LIMIT),
        }
        if select.picks_channel:
            element["type"] = "conversations_select"
            element["filter"] = {"include": ["public", "private"], "exclude_bot_users": True}
            if select.current:
                element["initial_conversation"] = select.current[0]
        else:
            options = {c.value: option(c) for c in select.choices[:MENU_OPTIONS]}
            chosen = [options[v] for v in select.current if v in options]
            element["options"] = list(options.values())
            if select.multiple:
                element["type"] = "multi_static_select"
                if chosen:
                    element["initial_options"] = chosen
            else:
                element["type"] = "static_select"
                if chosen:
                    element["initial_option"] = chosen[0]
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


def option(choice: Choice) -> Block:
    return {"text": plain_text(md.plain(choice.label), OPTION_LIMIT), "value": choice.value}


def fit(content: list[Block], tail: list[Block], limit: int) -> list[Block]:
    """At most `limit` blocks: the buttons always stay, the content is cut with a note."""
    room = limit - len(tail)
    if len(content) > room:
        content = [*content[: room - 1], _context("_The rest did not fit in one Slack message._")]
    return [*content, *tail]


def blocks(reply: Reply, limit: int = MAX_MESSAGE_BLOCKS) -> list[Block]:
    return fit(reply_content(reply), buttons(reply.actions) + _selects(reply.selects), limit)


def fallback(reply: Reply) -> str:
    """The plain `text` of a message: notifications, and clients that cannot show blocks."""
    parts = [reply.title or "", reply.body, *(f"- {item}" for item in reply.items)]
    parts.extend(f"{field.name}: {field.value}" for field in reply.fields)
    text = mrkdwn("\n".join(p for p in parts if p), FALLBACK_LIMIT)
    return text or (reply.image.alt if reply.image else "Cohort")


@dataclass(frozen=True, slots=True)
class Message:
    """A message ready for chat.postMessage or a response_url."""

    text: str
    blocks: list[Block]


def message(reply: Reply) -> Message:
    return Message(text=fallback(reply), blocks=blocks(reply))


# --- Views: modals and the App Home ------------------------------------------------------------
