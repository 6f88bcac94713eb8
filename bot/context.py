"""What a command handler knows about its invocation besides its options: who called, in
which community, whether they organize it, and the time of the command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.communities.model import Community
from bot.identity import Caller


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a handler knows about the invocation besides its options."""

    caller: Caller
    community: Community
    is_organizer: bool
    now: datetime

    def today(self, timezone: str | None = None) -> date:
        return self.now.astimezone(ZoneInfo(timezone or self.community.timezone)).date()
