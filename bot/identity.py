"""Who is who: communities (a Discord guild, a Slack workspace, the console) and their members."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    DISCORD = "discord"
    SLACK = "slack"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """A community as the platform knows it: the platform plus its guild or workspace id."""

    platform: Platform
    external_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member as the platform knows them: their community plus the platform's user id."""

    community: CommunityRef
    user_id: str


@dataclass(frozen=True, slots=True)
class Caller:
    """The person running a command, with what the platform says about their rights."""

    member: MemberRef
    display_name: str
    is_platform_admin: bool = False
    channel_id: str | None = None
    shows_images: bool = True  # False where a reply's picture cannot appear (Slack's App Home)
