"""The wording of `help`, and the usage lines other features and docs reuse."""

from __future__ import annotations

from collections.abc import Iterable

from bot.commands import Access, Catalogue, Command
from bot.replies import Reply


def usage(path: Iterable[str], command: Command) -> str:
    """One line showing how to type a command, like ``profile set [hours:number]``."""
    words = [*path, *(o.usage() for o in command.options)]
    return " ".join(words)


def overview(catalogue: Catalogue, is_organizer: bool) -> Reply:
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
    body += "\n\nType `help <command>` for its options."
    return Reply(title="Cohort commands", body=body)


def detail(catalogue: Catalogue, command: Command) -> Reply:
    lines: list[str] = []
    for path, leaf in catalogue.leaves():
        if path[0] != command.name:
            continue
        organizers_only = " (organizers)" if leaf.access is Access.ORGANIZER else ""
        lines.append(f"`{usage(path, leaf)}`{organizers_only}")
        lines.append(f"{leaf.description}.")
        lines.extend(f"- `{o.name}`: {o.description}" for o in leaf.options)
        lines.append("")
    if command.default:
        lines.append(f"`{command.name}` alone runs `{command.name} {command.default}`.")
    if command.access is Access.ORGANIZER:
        lines.append("Organizers only.")
    return Reply(title=f"help {command.name}", body="\n".join(lines).strip())
