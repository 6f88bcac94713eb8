"""Small pieces of wording the roadmap's views share: hours, names, lines of resources and
readings, and lists cut to what fits the platform limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.content.limits import FIELD_VALUE, ITEMS, fits
from bot.content.model import Phase, Project, Reading, Resource
from bot.replies import Reply


def about_hours(hours: int) -> str:
    return f"about {hours} h"


def phase_name(phase: Phase) -> str:
    return f"phase {phase.number}, *{phase.title}*"


def resource(resource: Resource) -> str:
    return f"[{resource.title}]({resource.url}) · {resource.kind}, {resource.cost}"


def reading(reading: Reading) -> str:
    return f"[{reading.title}]({reading.url}) · {reading.kind}: {reading.why}"


def and_list(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a; b and c`: parts that may hold commas themselves."""
    if len(parts) < 2:
        return "".join(parts)
    return "; ".join(parts[:-1]) + f" and {parts[-1]}"


def bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def project_line(project: Project) -> str:
    return f"**{project.title}** · {project.level}"


def fitted(build: Callable[[int], Reply], total: int, most: int = ITEMS) -> Reply:
    """The reply `build` makes for as many of `total` entries as fit the limits; `build` gets
    how many leading entries to show."""
    count = min(total, most)
    while True:
        reply = build(count)
        if count == 0 or not fits(reply):
            return reply
        count -= 1


def listing(build: Callable[[tuple[str, ...], int], Reply], lines: Sequence[str]) -> Reply:
    """The reply `build` makes from as many leading `lines` as fit the limits; `build` gets
    the lines it shows and how many it leaves out."""
    return fitted(lambda count: build(tuple(lines[:count]), len(lines) - count), len(lines))


def joined(lines: Sequence[str], limit: int = FIELD_VALUE) -> str:
    """As many leading lines as fit `limit`, one per line, then how many were left out."""
    count = len(lines)
    while True:
        left = len(lines) - count
        text = "\n".join([*lines[:count], *([f"…and {left} more"] if left else [])])
        if count == 0 or len(text) <= limit:
            return text
        count -= 1
