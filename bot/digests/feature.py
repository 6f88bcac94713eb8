"""The digests feature's declaration: feeds, the refresh and the weekly reading digest.

`digests_feature` takes the fetcher, the parser and the policy as arguments, so tests and the
bench build the feature against a loopback server (`FEATURE` is the one the bot runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.communities.service import CommunityService
from bot.digests.addresses import AllowList
from bot.digests.commands import commands
from bot.digests.fetcher import FeedFetcher, FetchLimits, session_factory
from bot.digests.jobs import weekly_digest
from bot.digests.model import Policy
from bot.digests.parse import Parse, parse_in_thread
from bot.digests.personal import EXEMPT, PERSONAL, DigestMemberData
from bot.digests.service import DigestService, digest_service
from bot.digests.workers import ParseWorkers, default_workers
from bot.feature import Feature, Services, Shared
from bot.members.service import MemberService
from bot.storage.tables import digest_entries, digest_settings, digests, feed_items, feeds

NAME = "digests"


def default_fetcher(shared: Shared) -> FeedFetcher:
    limits = FetchLimits()
    allowed = AllowList.parse(shared.settings.feeds_allowed_hosts)
    return FeedFetcher(session_factory(limits, allowed), limits, shared.clock)


def default_parse(shared: Shared) -> Parse:
    settings = shared.settings
    count = default_workers() if settings.parse_workers is None else settings.parse_workers
    # Worker processes start on first use; `cohort run` starts them up front.
    return ParseWorkers(count) if count else parse_in_thread


def digests_feature(
    fetcher: Callable[[Shared], FeedFetcher] = default_fetcher,
    parse: Callable[[Shared], Parse] = default_parse,
    policy: Policy | None = None,
) -> Feature[DigestService]:
    def build(shared: Shared, services: Services) -> DigestService:
        return digest_service(
            shared.db,
            shared.content,
            services.get(CommunityService),
            services.get(MemberService),
            fetcher(shared),
            parse(shared),
            policy,
        )

    return Feature(
        NAME,
        build,
        commands=lambda service, _: commands(service),
        jobs=lambda service, _: (weekly_digest(service.building),),
        tables=(feeds, feed_items, digests, digest_entries, digest_settings),
        member_data=lambda _: DigestMemberData(),
        personal=PERSONAL,
        exempt=EXEMPT,
    )


FEATURE = digests_feature()


def with_digests(
    features: Sequence[Feature[Any]], feature: Feature[DigestService]
) -> tuple[Feature[Any], ...]:
    """The registry with its digests feature replaced by `feature`."""
    return tuple(feature if f.name == NAME else f for f in features)
