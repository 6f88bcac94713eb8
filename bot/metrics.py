"""What a running Cohort measures, in Prometheus form: one registry per running core.

Counters and histograms are updated where things happen (the dispatcher, the drainer, the
scheduler, the feed refresher); the outbox's rows by platform and status are counted by the
database when `/metrics` is scraped (`OutboxCollector`), so they are never kept by hand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
CountOutbox = Callable[[], Awaitable[list[tuple[str, str, int]]]]
"""Rows of the outbox by platform and status: (platform, status, count)."""

SCRAPE_QUERY_SECONDS = 2.0  # the outbox count is given up (and left out) after this long

# Seconds: a command answers in milliseconds; a post waits for its pace, a retry for minutes.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DELIVERY_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 43200.0)


class Metrics:
    """The gauges, counters and histograms of one running core, in their own registry (never
    the process-wide default one, so two cores in one process, as in tests, stay apart)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.command_seconds = Histogram(
            "cohort_command_seconds",
            "Time to answer a command, by command",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self.command_errors = Counter(
            "cohort_command_errors",
            "Commands that did not succeed, by command and kind: refused (the user's input or "
            "rights), failed (a bug, logged with an error id), limited (fair use)",
            ["command", "kind"],
            registry=r,
        )
        self.deliveries = Counter(
            "cohort_outbox_deliveries",
            "Outbox delivery attempts by platform and outcome (sent, retry, failed)",
            ["platform", "outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "cohort_outbox_rate_limited",
            "Delivery attempts the platform refused with a rate limit (429), by platform",
            ["platform"],
            registry=r,
        )
        self.delivery_seconds = Histogram(
            "cohort_outbox_delivery_seconds",
            "Time from queueing an outbox row to the platform accepting it, by platform",
            ["platform"],
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )
        self.scheduler_lag = Histogram(
            "cohort_scheduler_lag_seconds",
            "Time from a scheduled occurrence falling due to the scheduler running it "
            "(and queueing its posts), by kind",
            ["kind"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.feed_checks = Counter(
            "cohort_feed_checks", "Feed checks made by the refresher", registry=r
        )
        self.feed_failures = Counter(
            "cohort_feed_check_failures",
            "Feed checks that failed (unreachable, refused, unreadable); the feed backs off",
            registry=r,
        )
        self.feeds_disabled = Counter(
            "cohort_feeds_disabled",
            "Feeds the refresher turned off (gone for good, moved onto another, failing too long)",
            registry=r,
        )
        self.feed_items = Counter(
            "cohort_feed_new_items", "New feed items stored by the refresher", registry=r
        )
        self.commands_in_flight = Gauge(
            "cohort_commands_in_flight", "Commands being answered right now", registry=r
        )
        self.shards_held = Gauge(
            "cohort_discord_shards_held",
            "Discord shards this process holds a lease on (with shard leases on PostgreSQL)",
            registry=r,
        )
        self.outbox = OutboxCollector()
        r.register(self.outbox)

    @contextmanager
    def command(self, name: str) -> Iterator[None]:
        """Time one command (a measurement only: no logic reads this clock)."""
        start = time.perf_counter()
        self.commands_in_flight.inc()
        try:
            yield
        finally:
            self.commands_in_flight.dec()
            self.command_seconds.labels(name).observe(time.perf_counter() - start)

    def feed_refresh(self, checked: int, failed: int, disabled: int, new_items: int) -> None:
        self.feed_checks.inc(checked)
        self.feed_failures.inc(failed)
        self.feeds_disabled.inc(disabled)
        self.feed_items.inc(new_items)

    async def exposition(self, count_outbox: CountOutbox) -> bytes:
        """The text a scrape gets: the outbox counted now (by the outbox's own service), then
        every metric."""
        await self.outbox.refresh(count_outbox)
        return generate_latest(self.registry)


class OutboxCollector(Collector):
    """`cohort_outbox_rows{platform,status}`, counted by the database at scrape time.

    The query is one aggregate over the `(platform, status, ...)` index, answering a handful
    of rows whatever the table's size, and it is given up after SCRAPE_QUERY_SECONDS: then the
    gauge is left out of that scrape and `cohort_outbox_count_failures` says so."""

    def __init__(self) -> None:
        self._rows: list[tuple[str, str, int]] | None = None
        self._failures = 0

    async def refresh(self, count_outbox: CountOutbox) -> None:
        try:
            async with asyncio.timeout(SCRAPE_QUERY_SECONDS):
                self._rows = await count_outbox()
        except Exception:
            log.warning("could not count the outbox for /metrics", exc_info=True)
            self._rows = None
            self._failures += 1

    def collect(self) -> Iterator[Metric]:
        failures = CounterMetricFamily(
            "cohort_outbox_count_failures",
            "Scrapes where the outbox could not be counted in time",
            value=self._failures,
        )
        yield failures
        if self._rows is None:
            return
        rows = GaugeMetricFamily(
            "cohort_outbox_rows",
            "Outbox rows by platform and status (pending, sending, sent, failed)",
            labels=["platform", "status"],
        )
        for platform, status, count in self._rows:
            rows.add_metric([platform, status], count)
        yield rows
