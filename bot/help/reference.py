"""The command reference (docs/commands.md), generated from the catalogue so it never drifts."""

from __future__ import annotations

from bot.commands import Access, Catalogue, OptionKind
from bot.help.messages import usage

HEADER = """# Commands

Generated from the command catalogue by `cohort docs`; a test fails when this file is stale.

On Discord each command is a slash command (`/profile set`). On Slack type `/cohort` and the
same line (`/cohort profile set hours:8`). In the console type `/` and the same line.
Options are written `name:value`; quote values with spaces, in double or single quotes:
`focus:"nlp, llm apps"` or `focus:'nlp, llm apps'`. An id can be given bare: `goal done 2`.
"""


def reference(catalogue: Catalogue) -> str:
    lines = [HEADER]
    for command in catalogue.commands:
        who = " (organizers)" if command.access is Access.ORGANIZER else ""
        lines.append(f"## `{command.name}`{who}\n")
        lines.append(f"{command.description}.\n")
        if command.default:
            lines.append(f"`{command.name}` alone runs `{command.name} {command.default}`.\n")
        for path, leaf in catalogue.leaves():
            if path[0] != command.name:
                continue
            if len(path) > 1:
                lines.append(f"### `{' '.join(path)}`\n\n{leaf.description}.\n")
            lines.append(f"```\n{usage(path, leaf)}\n```\n")
            if leaf.options:
                lines.append("| option | type | required | description |")
                lines.append("| --- | --- | --- | --- |")
                for option in leaf.options:
                    kind = (
                        "one of " + ", ".join(option.choices)
                        if option.kind is OptionKind.CHOICE
                        else option.kind.value
                    )
                    required = "yes" if option.required else "no"
                    lines.append(
                        f"| `{option.name}` | {kind} | {required} | {option.description} |"
                    )
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
