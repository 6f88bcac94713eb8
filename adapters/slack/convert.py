"""Slack payloads into neutral values: command lines, callers and submitted form values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.replies import Select

# Slack rewrites links it recognises as `<https://x|label>`; the core wants the bare URL.
_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>")
_MAILTO = re.compile(r"<mailto:([^|>\s]+)(?:\|[^>]*)?>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# Slack clients may turn straight quotes into typographic ones; the grammar groups with `"`.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"'})


def command_line(text: str) -> str:
    """The text after `/cohort`, as the core's grammar reads it.

    Links Slack formatted are unwrapped first, while a literal `<` can only be markup; then
    `&amp;`, `&lt;` and `&gt;` (text the user typed) become the characters they stand for, in
    one pass, so `&amp;lt;` stays the literal text `&lt;`. Mentions (`<@U1|name>`) and channel
    references (`<#C1|name>`) are left for the grammar, which knows them.
    """
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _MAILTO.sub(lambda m: m.group(1), text)
    text = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
    return text.translate(_QUOTES).strip()


def community(team_id: str) -> CommunityRef:
    return CommunityRef(Platform.SLACK, team_id)


def caller(
    team_id: str,
    user_id: str,
    display_name: str,
    *,
    is_admin: bool,
    channel_id: str | None,
) -> Caller:
    return Caller(
        member=MemberRef(community(team_id), user_id),
        display_name=display_name or user_id,
        is_platform_admin=is_admin,
        channel_id=channel_id,
    )


PICK_PREFIX = "cohort:pick:"  # + `<command> <option>`: what a select's choice sets


def pick_id(select: Select) -> str:
    return f"{PICK_PREFIX}{select.command} {select.option}"


def action_line(action: Mapping[str, Any]) -> str:
    """The command line a block action runs: a button's value, or the line a select makes of
    the choice (a channel, one option, or several)."""
    action_id = str(action.get("action_id", ""))
    if not action_id.startswith(PICK_PREFIX):
        return str(action.get("value", ""))
    command, _, option = action_id.removeprefix(PICK_PREFIX).rpartition(" ")
    if conversation := action.get("selected_conversation") or action.get("selected_channel"):
        values = [str(conversation)]
    elif "selected_options" in action:
        values = [str(o["value"]) for o in action["selected_options"]]
    else:
        values = [str((action.get("selected_option") or {}).get("value", ""))]
    return Select("", command, option).line(values)


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace of an interaction payload or an event envelope."""
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    return str(body["team_id"])


def submitted_values(view: Mapping[str, Any]) -> dict[str, str]:
    """The values of a submitted modal, by input block id (the option each one fills): what
    was typed, or the value of the option chosen in a menu ("" when none was)."""
    values: dict[str, str] = {}
    state = view.get("state", {}).get("values", {})
    for block_id, elements in state.items():
        for element in elements.values():
            if element.get("type") == "static_select":
                value = (element.get("selected_option") or {}).get("value")
            else:
                value = element.get("value")
            values[block_id] = value if isinstance(value, str) else ""
    return values


def display_name(user: Mapping[str, Any]) -> str:
    """The name a users.info user goes by: the display name they chose, else their real name."""
    profile = user.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return str(user.get("id", ""))
