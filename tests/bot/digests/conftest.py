"""Fixtures for digest tests: the loopback feed server, and a core fetching from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests.feature import digests_feature, with_digests
from bot.digests.fetcher import FetchLimits
from bot.digests.model import Policy
from bot.digests.parse import Parse, parse_in_thread
from bot.features import FEATURES
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes.feed_server import LIMITS, FeedServer, loopback_fetcher


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


class MakeCore(Protocol):
    async def __call__(
        self,
        limits: FetchLimits = LIMITS,
        parse: Parse = parse_in_thread,
        policy: Policy | None = None,
    ) -> Cohort: ...


@pytest.fixture
def make_core(settings: Settings, clock: ManualClock, db: Database) -> MakeCore:
    """Builds a started core whose digests fetch from loopback addresses (short limits), with
    the parser and policy given: each handed to the feature's constructor."""

    async def make(
        limits: FetchLimits = LIMITS, parse: Parse = parse_in_thread, policy: Policy | None = None
    ) -> Cohort:
        feature = digests_feature(
            fetcher=lambda shared: loopback_fetcher(shared.clock, limits),
            parse=lambda _: parse,
            policy=policy,
        )
        core = Cohort(settings, clock, db, with_digests(FEATURES, feature))
        await core.start()
        return core

    return make


@pytest.fixture
async def digest_core(make_core: MakeCore) -> Cohort:
    """The core with its fetcher pointed at loopback addresses and short limits."""
    return await make_core()
