"""Fixtures for digest tests: the loopback feed server, and a core fetching from it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from tests.fakes.feed_server import FeedServer, loopback_fetcher


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def digest_core(cohort: Cohort, clock: ManualClock) -> Cohort:
    """The core with its fetcher pointed at loopback addresses and short limits."""
    cohort.digests.fetcher = loopback_fetcher(clock)
    return cohort
