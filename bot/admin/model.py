"""What the guided setup knows about a community: its settings and what else it depends on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.communities.model import Community, Purpose

MEMBER_POSTS = (Purpose.CHALLENGES, Purpose.DIGEST, Purpose.CHECKINS, Purpose.MATCHUPS)
"""The posts every member sees; the organizers' report is kept apart, in a private channel."""


@dataclass(frozen=True, slots=True)
class SetupState:
    """A community as the setup checklist shows it."""

    community: Community
    organizers: tuple[str, ...]
    feeds: int  # feeds followed and enabled: the digest's sources
    builtin_feeds: int  # of those, the content pack's own
    profile_timezone: str | None  # the organizer's own, from their profile, when they joined
    tracks: tuple[str, ...]  # what the challenge track may follow: auto, all or a phase

    def suggested_timezone(self) -> str | None:
        """The organizer's time zone when the community still has another one (UTC, the
        default, most often)."""
        zone = self.profile_timezone
        return zone if zone and zone != self.community.timezone else None
