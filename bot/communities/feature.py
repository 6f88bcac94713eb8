"""The communities feature's declaration: the service every other feature builds on."""

from __future__ import annotations

from bot.communities.personal import OrganizerRows
from bot.communities.service import CommunityService
from bot.feature import Exempt, Feature, Services, Shared
from bot.storage.tables import communities, community_channels, organizers, schedules


def _build(shared: Shared, services: Services) -> CommunityService:
    return CommunityService(shared.db)


_SETTING = "an organizer's setting chosen from a fixed list, never free text about a member"

FEATURE = Feature(
    "communities",
    _build,
    tables=(communities, community_channels, schedules, organizers),
    member_data=lambda _: OrganizerRows(),
    personal=(organizers.c.user_id, organizers.c.added_by),
    exempt=(
        Exempt(communities.c.platform, "the platform's name: discord, slack or console"),
        Exempt(communities.c.external_id, "the guild or workspace id, not a person's"),
        Exempt(communities.c.timezone, "the community's IANA time zone (validated)"),
        Exempt(
            communities.c.content_dir,
            "the name of a content pack an organizer picked from the installed packs",
        ),
        Exempt(communities.c.challenge_track, _SETTING),
        Exempt(community_channels.c.purpose, _SETTING),
        Exempt(community_channels.c.channel_id, "a channel's platform id, not a person's"),
        Exempt(schedules.c.kind, _SETTING),
        Exempt(schedules.c.local_time, "a time of day, HH:MM"),
        Exempt(schedules.c.cron, "a crontab line, validated by the scheduler's trigger"),
    ),
)
