"""What export and forget-me produce: the JSON document and the preview of a deletion."""

from __future__ import annotations

from dataclasses import dataclass

from bot.members.model import Member


@dataclass(frozen=True, slots=True)
class Export:
    member: Member
    data: bytes  # UTF-8 JSON
    counts: dict[str, int]  # records per section, for the sections that hold any


@dataclass(frozen=True, slots=True)
class Preview:
    """What forgetting would delete, and the code that confirms it."""

    member: Member
    counts: dict[str, int]
    code: str
