"""The sizes a reply must stay within so every platform can show it whole.

Each number is the stricter of Discord's and Slack's limit for the place an adapter may put
that part of a reply:

- the body goes in one Slack section (3,000 characters) or one Discord embed description
  (4,096), so 3,000;
- the items may be rendered as one list in a section of their own, or appended to the body in
  one embed description: so 3,000 alone and 4,096 together with the body;
- a Discord message holds 6,000 characters across its embeds, and 25 fields per embed; a field
  name holds 256 characters and a value 1,024;
- a title may become a Slack header block (150 characters);
- buttons: five fit one Discord action row, and a Slack button label holds 75 characters.

Lengths are counted on the Markdown subset as the core writes it; rendering changes them by a
few characters at most per link.
"""

from __future__ import annotations

from bot.replies import Reply

TITLE = 150
BODY = 3000
ITEMS_JOINED = 3000
DESCRIPTION = 4096
TOTAL = 6000
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
ITEMS = 40
ACTIONS = 5
ACTION_LABEL = 75


def items_text(reply: Reply) -> str:
    """The items as one Markdown list, the way an adapter shows them together."""
    return "\n".join(f"- {item}" for item in reply.items)


def size(reply: Reply) -> int:
    """Every character of text the reply shows."""
    fields = sum(len(f.name) + len(f.value) for f in reply.fields)
    return len(reply.title or "") + len(reply.body) + len(items_text(reply)) + fields


def fits(reply: Reply) -> list[str]:
    """Each way the reply exceeds a platform limit; empty when it fits everywhere."""
    problems: list[str] = []

    def most(what: str, length: int, limit: int, unit: str = "characters") -> None:
        if length > limit:
            problems.append(f"{what} has {length:,} {unit}; the limit is {limit:,}")

    items = items_text(reply)
    most("the title", len(reply.title or ""), TITLE)
    most("the body", len(reply.body), BODY)
    most("the list", len(items), ITEMS_JOINED)
    together = len(reply.body) + (len(items) + 1 if items else 0)
    most("the body and list together", together, DESCRIPTION)
    most("the reply", size(reply), TOTAL)
    most("the reply", len(reply.fields), FIELDS, "fields")
    most("the reply", len(reply.items), ITEMS, "list items")
    most("the reply", len(reply.actions), ACTIONS, "buttons")
    for field in reply.fields:
        most(f"the name of field {field.name[:40]!r}", len(field.name), FIELD_NAME)
        most(f"the field {field.name[:40]!r}", len(field.value), FIELD_VALUE)
    for action in reply.actions:
        most(f"the button {action.label[:40]!r}", len(action.label), ACTION_LABEL)
    return problems
