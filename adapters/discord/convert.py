"""Turns Discord interactions into neutral values: the Caller, raw option strings, custom ids."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.replies import Select

Interaction = discord.Interaction[discord.Client]

CUSTOM_ID_LIMIT = 100

# Buttons and modals carry what they run in their custom id, so they work after a restart and
# on any instance. Messages sent outside a server (DMs) also carry the server (`g<id>:`),
# because a click in a DM does not say which community it belongs to.
RUN_TEMPLATE = re.compile(r"cohort:run:(?:g(?P<guild>[0-9]{1,20}):)?(?P<line>.+)", re.DOTALL)
FORM_TEMPLATE = re.compile(r"cohort:form:(?:g(?P<guild>[0-9]{1,20}):)?(?P<path>[^:]+)")
# A select carries the command and option its choice sets; the choice comes with the click.
PICK_TEMPLATE = re.compile(
    r"cohort:pick:(?:g(?P<guild>[0-9]{1,20}):)?(?P<command>[^:]+) (?P<option>[a-z-]+)"
)


def _guild_part(guild_id: str | None) -> str:
    return f"g{guild_id}:" if guild_id else ""


def run_id(line: str, guild_id: str | None = None) -> str | None:
    """The custom id of a button that runs `line`, or None when it would not fit Discord's 100
    characters."""
    custom_id = f"cohort:run:{_guild_part(guild_id)}{line}"
    return custom_id if len(custom_id) <= CUSTOM_ID_LIMIT else None


def pick_id(select: Select, guild_id: str | None = None) -> str | None:
    """The custom id of a select, or None when it would not fit Discord's 100 characters."""
    custom_id = f"cohort:pick:{_guild_part(guild_id)}{select.command} {select.option}"
    return custom_id if len(custom_id) <= CUSTOM_ID_LIMIT else None


def form_id(path: Sequence[str], guild_id: str | None = None) -> str:
    """The custom id of a modal (or of the button that opens it) submitting to `path`."""
    return f"cohort:form:{_guild_part(guild_id)}{' '.join(path)}"[:CUSTOM_ID_LIMIT]


@dataclass(frozen=True, slots=True)
class Run:
    line: str
    guild_id: str | None


@dataclass(frozen=True, slots=True)
class FormTarget:
    path: tuple[str, ...]
    guild_id: str | None


def parse_run(match: re.Match[str]) -> Run:
    return Run(match.group("line"), match.group("guild"))


@dataclass(frozen=True, slots=True)
class Pick:
    select: Select  # what the choice sets; its labels and choices are not needed to run it
    guild_id: str | None


def parse_pick(match: re.Match[str]) -> Pick:
    return Pick(Select("", match.group("command"), match.group("option")), match.group("guild"))


def chosen(data: Mapping[str, Any] | None) -> list[str]:
    """The values chosen in a select: channel ids for a channel select."""
    return [str(v) for v in (data or {}).get("values", [])]


def parse_form(custom_id: str) -> FormTarget | None:
    match = FORM_TEMPLATE.fullmatch(custom_id)
    if match is None:
        return None
    return FormTarget(tuple(match.group("path").split()), match.group("guild"))


def caller(interaction: Interaction, guild_id: str | None = None) -> Caller:
    """Who is running something. In a server the platform-admin flag comes from the member's
    permissions as Discord computed them for this interaction; in a DM it is always false."""
    community = str(interaction.guild_id) if interaction.guild_id else guild_id
    if community is None:
        raise ValueError("an interaction outside a server needs the server from its custom id")
    permissions = interaction.permissions
    in_guild = interaction.guild_id is not None
    return Caller(
        member=MemberRef(CommunityRef(Platform.DISCORD, community), str(interaction.user.id)),
        display_name=interaction.user.display_name,
        is_platform_admin=in_guild and (permissions.manage_guild or permissions.administrator),
        channel_id=str(interaction.channel_id) if interaction.channel_id else None,
    )


def option_text(value: object) -> str:
    """An option value as Discord resolved it, written as the core's raw option string:
    members and channels become their ids."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, discord.abc.Snowflake):
        return str(value.id)
    raise TypeError(f"unexpected option value {type(value).__name__}")


def raw_options(values: Mapping[str, object | None]) -> dict[str, str]:
    """The options the user gave, by option name; the ones left out are omitted."""
    return {name: option_text(value) for name, value in values.items() if value is not None}


def modal_values(data: Mapping[str, Any] | None) -> dict[str, str]:
    """The inputs of a submitted modal, by custom id (the form field names): what was typed
    into a text input, the values chosen in a select joined with commas ("" for none)."""
    values: dict[str, str] = {}

    def walk(components: Sequence[Mapping[str, Any]]) -> None:
        for component in components:
            if "components" in component:  # an action row
                walk(component["components"])
            elif "component" in component:  # a label around one input
                walk([component["component"]])
            elif "custom_id" not in component:
                continue
            elif isinstance(component.get("value"), str):
                values[component["custom_id"]] = component["value"]
            elif isinstance(component.get("values"), list):  # a select
                values[component["custom_id"]] = ",".join(str(v) for v in component["values"])

    walk((data or {}).get("components", []))
    return values
