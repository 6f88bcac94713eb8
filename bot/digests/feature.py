"""The digests feature's declaration: feeds, the refresh and the weekly reading digest."""

from __future__ import annotations

from bot.digests.addresses import AllowList
from bot.digests.commands import commands
from bot.digests.fetcher import FeedFetcher, FetchLimits, session_factory
from bot.digests.jobs import weekly_digest
from bot.digests.parse import parse_in_thread
from bot.digests.service import DigestService
from bot.digests.workers import ParseWorkers, default_workers
from bot.feature import Feature, Services, Shared
from bot.storage.tables import digest_entries, digest_settings, digests, feed_items, feeds


def _build(shared: Shared, services: Services) -> DigestService:
    settings = shared.settings
    limits = FetchLimits()
    count = default_workers() if settings.parse_workers is None else settings.parse_workers
    fetcher = FeedFetcher(
        session_factory(limits, AllowList.parse(settings.feeds_allowed_hosts)),
        limits,
        shared.clock,
    )
    # Worker processes start on first use; `cohort run` starts them up front.
    parse = ParseWorkers(count) if count else parse_in_thread
    return DigestService(shared.db, shared.clock, shared.content, fetcher, parse)


FEATURE = Feature(
    "digests",
    _build,
    commands=lambda service, _: commands(service),
    jobs=lambda service, _: (weekly_digest(service),),
    tables=(feeds, feed_items, digests, digest_entries, digest_settings),
)
