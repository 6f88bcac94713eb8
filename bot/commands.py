"""The command catalogue: every command declared once, with typed options and its handler.

Adapters derive their platform registration from the catalogue (Discord slash commands, the
Slack `/cohort` grammar, the console), and :mod:`bot.dispatch` validates input against it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from bot.errors import UserError
from bot.grammar import Token

if TYPE_CHECKING:
    from bot.context import Context
    from bot.replies import Answer

MAX_TEXT = 1000
MAX_URL = 500
# The largest value an INTEGER column holds on PostgreSQL (int4): every integer option stays
# within it, so no number a user types can overflow a query on either database.
MAX_ID = 2**31 - 1
# What a command weighs against the fair-use limits (bot/fairuse): most cost 1; one that draws
# a picture, builds a file or computes a preview is declared `cost=HEAVY`.
HEAVY = 3


class Access(StrEnum):
    MEMBER = "member"
    ORGANIZER = "organizer"


class OptionKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMEZONE = "timezone"
    MEMBER = "member"
    CHANNEL = "channel"
    URL = "url"
    CHOICE = "choice"
    TIME = "time"


class Autocomplete(StrEnum):
    """Named sources of suggestions the core can answer while a user types."""

    TIMEZONE = "timezone"
    MILESTONE = "milestone"
    CHALLENGE = "challenge"
    COMMAND = "command"


@dataclass(frozen=True, slots=True)
class Option:
    """A typed input of a command. Positional options take bare words in declared order."""

    name: str
    description: str
    kind: OptionKind = OptionKind.TEXT
    required: bool = False
    positional: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int = MAX_TEXT
    autocomplete: Autocomplete | None = None

    def usage(self) -> str:
        shape = {
            OptionKind.INTEGER: "number",
            OptionKind.BOOLEAN: "true|false",
            OptionKind.DATE: "YYYY-MM-DD",
            OptionKind.TIMEZONE: "Area/City",
            OptionKind.MEMBER: "@member",
            OptionKind.CHANNEL: "#channel",
            OptionKind.URL: "https://...",
            OptionKind.TIME: "HH:MM",
            OptionKind.CHOICE: "|".join(self.choices),
        }.get(self.kind, "text")
        text = f"<{self.name}>" if self.positional else f"{self.name}:{shape}"
        return text if self.required else f"[{text}]"


Handler = Callable[["Context", "Args"], Awaitable["Answer"]]


@dataclass(frozen=True, slots=True)
class Command:
    """A command, or a group of subcommands when `subcommands` is set.

    A group may name a `default` subcommand that runs when none is given (`profile` shows
    the profile); platforms that need an explicit subcommand (Discord) show it as one.
    """

    name: str
    description: str
    handler: Handler | None = None
    options: tuple[Option, ...] = ()
    access: Access = Access.MEMBER
    subcommands: tuple[Command, ...] = ()
    default: str | None = None
    slow: bool = False  # the platforms should defer before calling the handler
    cost: int = 1  # against the fair-use limits; HEAVY for cards, exports and previews

    def __post_init__(self) -> None:
        # A group for organizers makes every subcommand organizers-only, so each leaf carries
        # the access every adapter and the dispatcher check.
        if self.access is Access.ORGANIZER and self.subcommands:
            leaves = tuple(replace(s, access=Access.ORGANIZER) for s in self.subcommands)
            object.__setattr__(self, "subcommands", leaves)

    def subcommand(self, name: str) -> Command | None:
        return next((c for c in self.subcommands if c.name == name), None)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every command Cohort offers, in the order `help` lists them."""

    commands: tuple[Command, ...]

    def __post_init__(self) -> None:
        names = [c.name for c in self.commands]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate command names in the catalogue: {sorted(names)}")

    def get(self, name: str) -> Command | None:
        return next((c for c in self.commands if c.name == name), None)

    def leaves(self) -> Iterator[tuple[tuple[str, ...], Command]]:
        """Every runnable command with its path, such as ``("profile", "set")``."""
        for command in self.commands:
            if command.subcommands:
                for sub in command.subcommands:
                    yield (command.name, sub.name), sub
            else:
                yield (command.name,), command

    def resolve(self, words: Sequence[str]) -> tuple[tuple[str, ...], Command, int]:
        """Find the command a line names. Returns its path, the leaf command and how many
        words the path used. Raises :class:`UserError` with a suggestion when nothing fits."""
        if not words:
            raise UserError("Type a command, for example `help`.")
        name = words[0].lstrip("/").lower()
        command = self.get(name)
        if command is None:
            hint = suggest(name, self.names()) if len(name) <= 40 else ""
            raise UserError(f"There is no command `{clip(name)}`.{hint}")
        if not command.subcommands:
            return (command.name,), command, 1
        if len(words) > 1 and (sub := command.subcommand(words[1].lower())):
            return (command.name, sub.name), sub, 2
        if command.default and (sub := command.subcommand(command.default)):
            return (command.name, sub.name), sub, 1
        given = words[1] if len(words) > 1 else ""
        names = [s.name for s in command.subcommands]
        hint = suggest(given, names) if 0 < len(given) <= 40 else ""
        raise UserError(
            f"`{command.name}` needs one of: {', '.join(f'`{n}`' for n in names)}.{hint}"
        )

    def names(self) -> list[str]:
        return [c.name for c in self.commands]


def clip(text: str, limit: int = 40) -> str:
    """What a user typed, cut short enough to quote back in a one-line error."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest(given: str, candidates: Iterable[str], limit: int = 3) -> str:
    """A sentence suggesting the nearest candidates, or nothing when none is near."""
    close = difflib.get_close_matches(given.lower(), list(candidates), n=limit, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


class Args:
    """Validated option values of one invocation, read with typed getters."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = dict(values)

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def given(self) -> set[str]:
        return set(self._values)

    def get(self, name: str) -> object | None:
        return self._values.get(name)

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        return value if isinstance(value, str) else None

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def boolean(self, name: str) -> bool | None:
        value = self._values.get(name)
        return value if isinstance(value, bool) else None

    def date(self, name: str) -> date | None:
        value = self._values.get(name)
        return value if isinstance(value, date) else None


def bind(command: Command, tokens: Sequence[Token]) -> dict[str, str]:
    """Assign the tokens after a command's path to its options, as raw strings."""
    raw: dict[str, str] = {}
    positionals = [o for o in command.options if o.positional]
    loose: list[str] = []
    for token in tokens:
        if token.key is not None and command.option(token.key) is not None:
            if token.key in raw:
                raise UserError(f"Option `{token.key}` is given twice.")
            raw[token.key] = token.value
        else:
            loose.append(token.text)
    for option in positionals:
        if option.name not in raw and loose:
            raw[option.name] = loose.pop(0)
    if loose:
        options = ", ".join(f"`{o.name}`" for o in command.options) or "none"
        stray = loose[0]
        key = stray.split(":", 1)[0][:40] if ":" in stray else ""
        hint = suggest(key, [o.name for o in command.options]) if key else ""
        raise UserError(
            f"I don't know what to do with `{clip(stray)}`.{hint} "
            f"This command's options: {options}."
        )
    return raw


def validate(command: Command, raw: Mapping[str, str], today: date) -> Args:
    """Check raw option values against their declarations and convert them to typed values."""
    values: dict[str, object] = {}
    for name, text in raw.items():
        option = command.option(name)
        if option is None:
            raise UserError(f"`{command.name}` has no option `{name}`.")
        text = text.strip()
        if not text:
            continue
        values[name] = _convert(option, text, today)
    for option in command.options:
        if option.required and option.name not in values:
            raise UserError(
                f"Option `{option.name}` is required: {option.description} ({option.usage()})."
            )
    return Args(values)


def check_value(command: Command, name: str, text: str, today: date) -> None:
    """Raise UserError when `validate` would refuse this one value: a form checks each field
    as it is entered, before the others are known."""
    option = command.option(name)
    if option is None:
        raise UserError(f"`{command.name}` has no option `{name}`.")
    if text.strip():
        _convert(option, text.strip(), today)


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_MEMBER = re.compile(r"^<@!?([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$")
_NAME = re.compile(r"^@?#?([A-Za-z0-9_.\-]{1,80})$")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _convert(option: Option, text: str, today: date) -> object:
    name, kind = option.name, option.kind
    if kind is OptionKind.TEXT:
        if len(text) > option.max_length:
            raise UserError(
                f"`{name}` is {len(text)} characters long; the limit is {option.max_length}."
            )
        return text
    if kind is OptionKind.INTEGER:
        try:
            number = int(text)
        except ValueError:
            raise UserError(f"`{name}` expects a whole number, not `{clip(text)}`.") from None
        low = -MAX_ID if option.min_value is None else option.min_value
        high = MAX_ID if option.max_value is None else option.max_value
        if not low <= number <= high:
            raise UserError(f"`{name}` must be between {low} and {high}; you gave {clip(text)}.")
        return number
    if kind is OptionKind.BOOLEAN:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise UserError(f"`{name}` expects true or false, not `{clip(text)}`.")
    if kind is OptionKind.DATE:
        return _parse_date(name, text, today)
    if kind is OptionKind.TIMEZONE:
        return parse_timezone(text, name)
    if kind is OptionKind.CHOICE:
        lowered = text.lower()
        if lowered not in option.choices:
            hint = suggest(lowered, option.choices)
            raise UserError(
                f"`{name}` must be one of {', '.join(option.choices)}; `{clip(text)}` is not.{hint}"
            )
        return lowered
    if kind is OptionKind.TIME:
        if not (match := _TIME.match(text)):
            raise UserError(f"`{name}` expects a 24-hour time like 09:30, not `{clip(text)}`.")
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    if kind is OptionKind.URL:
        return parse_url(name, text)
    if kind is OptionKind.MEMBER:
        return _parse_reference(name, text, _MEMBER, "a member, like @name")
    return _parse_reference(name, text, _CHANNEL, "a channel, like #name")


def _parse_date(name: str, text: str, today: date) -> date:
    lowered = text.lower()
    if lowered == "today":
        return today
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date, no time
    except ValueError:
        raise UserError(
            f"`{name}` expects a date like {today.isoformat()} (YYYY-MM-DD), not `{clip(text)}`."
        ) from None


def _parse_reference(name: str, text: str, platform_form: re.Pattern[str], what: str) -> str:
    if match := platform_form.match(text):
        return match.group(1)
    if match := _NAME.match(text):
        return match.group(1)
    raise UserError(f"`{name}` expects {what}, not `{clip(text)}`.")


def parse_url(name: str, text: str) -> str:
    if len(text) > MAX_URL:
        raise UserError(f"`{name}` is {len(text)} characters long; the limit is {MAX_URL}.")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise UserError(f"`{name}` expects an http(s) link like https://example.org/work.")
    return text


@functools.cache
def timezone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (from tzdata when the OS has none)."""
    return frozenset(available_timezones())


def parse_timezone(text: str, name: str = "timezone") -> str:
    zones = timezone_names()
    if text in zones:
        ZoneInfo(text)
        return text
    by_lower = {z.lower(): z for z in zones}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    close = difflib.get_close_matches(text, list(zones), n=3, cutoff=0.6) if len(text) < 64 else []
    hint = (" Did you mean " + " or ".join(f"`{c}`" for c in close) + "?") if close else ""
    raise UserError(
        f"`{name}` expects an IANA time zone name like Europe/Berlin or America/New_York; "
        f"`{clip(text)}` is not one.{hint}"
    )
