"""The wording of `help`, and the usage lines other features and docs reuse."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from bot.commands import Access, Catalogue, Command, Option, OptionKind
from bot.grammar import quote
from bot.identity import Platform
from bot.replies import Reply

PREFIX = {Platform.SLACK: "/cohort ", Platform.DISCORD: "/", Platform.CONSOLE: "/"}
"""How a command line starts on each platform: Slack has the one `/cohort` command."""

_LIKE = re.compile(r"like '([^']+)'|like (\S+)")
_SAMPLES = {
    OptionKind.BOOLEAN: "true",
    OptionKind.TIMEZONE: "Europe/Berlin",
    OptionKind.MEMBER: "@ada",
    OptionKind.CHANNEL: "#general",
    OptionKind.URL: "https://example.org/work",
    OptionKind.TIME: "09:00",
}


def usage(path: Iterable[str], command: Command) -> str:
    """One line showing how to type a command, like ``profile set [hours:number]``."""
    words = [*path, *(o.usage() for o in command.options)]
    return " ".join(words)


def _sample(option: Option, today: date) -> str:
    """A value the option accepts, taken from its description where it gives one."""
    if option.kind is OptionKind.INTEGER:
        return str(max(option.min_value or 1, 1))
    if option.kind is OptionKind.DATE:
        return (today + timedelta(days=14)).isoformat()
    if option.kind is OptionKind.CHOICE:
        return option.choices[0]
    if option.kind is OptionKind.TEXT:
        found = _LIKE.search(option.description)
        return quote(found.group(1) or found.group(2)) if found else '"..."'
    return _SAMPLES[option.kind]


def example(path: Iterable[str], command: Command, platform: Platform, today: date) -> str:
    """A line the caller can type as is on their platform, with the required options.
    Discord names every option (its slash commands have no bare words)."""
    words = list(path)
    for option in command.options:
        if option.required:
            value = _sample(option, today)
            bare = option.positional and platform is not Platform.DISCORD
            words.append(value if bare else f"{option.name}:{value}")
    return PREFIX[platform] + " ".join(words)


def overview(catalogue: Catalogue, is_organizer: bool, platform: Platform) -> Reply:
    member_lines: list[str] = []
    organizer_lines: list[str] = []
    for command in catalogue.commands:
        line = f"- `{command.name}`: {command.description}"
        if command.subcommands:
            # Members see the subcommands they may run; organizer-only ones are for organizers.
            runnable = [
                s.name for s in command.subcommands if is_organizer or s.access is Access.MEMBER
            ]
            line += f" ({', '.join(runnable)})"
        (organizer_lines if command.access is Access.ORGANIZER else member_lines).append(line)
    body = "\n".join(member_lines)
    if is_organizer and organizer_lines:
        body += "\n\n**For organizers**\n" + "\n".join(organizer_lines)
    body += f"\n\nFor a command's options, type `{PREFIX[platform]}help goal` (any command)."
    return Reply(title="Cohort commands", body=body)


def detail(catalogue: Catalogue, command: Command, platform: Platform, today: date) -> Reply:
    lines: list[str] = []
    for path, leaf in catalogue.leaves():
        if path[0] != command.name:
            continue
        organizers_only = " (organizers)" if leaf.access is Access.ORGANIZER else ""
        lines.append(f"`{usage(path, leaf)}`{organizers_only}")
        lines.append(f"{leaf.description}.")
        lines.extend(f"- `{o.name}`: {o.description}" for o in leaf.options)
        lines.append(f"Example: `{example(path, leaf, platform, today)}`")
        lines.append("")
    if command.default:
        lines.append(f"`{command.name}` alone runs `{command.name} {command.default}`.")
    if command.access is Access.ORGANIZER:
        lines.append("Organizers only.")
    return Reply(title=f"help {command.name}", body="\n".join(lines).strip())
