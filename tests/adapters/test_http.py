"""The health, readiness and metrics endpoints, scraped over HTTP after real commands, a real
scheduled post and real deliveries (a 429 among them)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.http import add_ops_routes, bound_port, start
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Target
from bot.replies import Reply
from tests.fakes.sender import RecordingSender, too_many_requests
from tests.support import caller, queue_message

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@contextlib.asynccontextmanager
async def serving(cohort: Cohort) -> AsyncIterator[str]:
    from aiohttp import web

    app = web.Application()
    add_ops_routes(app, cohort)
    runner = await start(app, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{bound_port(runner)}"
    finally:
        await runner.cleanup()


async def scrape(base: str) -> Samples:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def test_metrics_count_commands_the_schedule_deliveries_and_outbox_rows(
    cohort: Cohort, clock: ManualClock
) -> None:
    organizer, member = caller("org", admin=True), caller("ada")
    await cohort.dispatcher.run_line(
        organizer, "setup challenges:#challenges post:challenges day:mon time:09:00"
    )
    await cohort.dispatcher.run_line(member, "help")
    await cohort.dispatcher.run_line(member, "help")
    await cohort.dispatcher.run_line(member, "stats")  # organizers only: refused
    await cohort.dispatcher.run_line(member, "nosuchcommand")
    # The weekly challenge falls due Monday 09:00; the scheduler runs it 90 s later.
    clock.set(datetime(2026, 11, 30, 9, 1, 30, tzinfo=UTC))
    assert await cohort.scheduler.tick() >= 1
    await queue_message(cohort, "extra:1", Target.channel("general"), Reply(body="hi"))
    await queue_message(cohort, "extra:2", Target.channel("general"), Reply(body="later"))
    sender = RecordingSender(script=[too_many_requests(after=30)])
    drainer = cohort.drainer(sender)
    await drainer.drain()  # the first attempt gets a 429, the other two land
    clock.advance(timedelta(seconds=31))
    await drainer.drain()
    assert len(sender.delivered) == 3
    await queue_message(cohort, "extra:3", Target.channel("general"), Reply(body="queued"))

    async with serving(cohort) as base:
        samples = await scrape(base)

    assert sample(samples, "cohort_command_seconds_count", command="help") == 2
    assert sample(samples, "cohort_command_seconds_count", command="setup") == 1
    assert sample(samples, "cohort_command_errors_total", command="stats", kind="refused") == 1
    assert sample(samples, "cohort_command_errors_total", command="unknown", kind="refused") is None
    assert sample(samples, "cohort_scheduler_lag_seconds_count", kind="challenge") == 1
    assert sample(samples, "cohort_scheduler_lag_seconds_sum", kind="challenge") == 90
    assert sample(samples, "cohort_outbox_rate_limited_total", platform="console") == 1
    deliveries = "cohort_outbox_deliveries_total"
    assert sample(samples, deliveries, platform="console", outcome="sent") == 3
    assert sample(samples, deliveries, platform="console", outcome="retry") == 1
    assert sample(samples, "cohort_outbox_delivery_seconds_count", platform="console") == 3
    # The challenge, queued as of its due time (09:00), met the 429 and landed at 09:02:01;
    # the other two landed as they were queued.
    assert sample(samples, "cohort_outbox_delivery_seconds_sum", platform="console") == 121
    assert sample(samples, "cohort_outbox_rows", platform="console", status="sent") == 3
    assert sample(samples, "cohort_outbox_rows", platform="console", status="pending") == 1
    assert sample(samples, "cohort_outbox_count_failures_total") == 0


async def test_an_unknown_command_line_is_not_a_command_metric(cohort: Cohort) -> None:
    await cohort.dispatcher.run(caller("ada"), ["nosuchcommand"], {})
    async with serving(cohort) as base:
        samples = await scrape(base)
    assert sample(samples, "cohort_command_errors_total", command="unknown", kind="refused") == 1
    assert not any(name == "cohort_command_seconds_count" for name, _ in samples)


async def test_two_cores_in_one_process_keep_their_own_metrics(
    cohort: Cohort, clock: ManualClock
) -> None:
    other = Cohort(cohort.settings, clock, cohort.db)
    await cohort.dispatcher.run_line(caller("ada"), "help")
    async with serving(other) as base:
        samples = await scrape(base)
    assert sample(samples, "cohort_command_seconds_count", command="help") is None


async def test_healthz_is_live_and_readyz_needs_the_database_and_every_platform(
    cohort: Cohort,
) -> None:
    async def connected() -> bool:
        return True

    async with serving(cohort) as base, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert (response.status, await response.json()) == (200, {"ok": True})
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 200
            assert await response.json() == {"ready": True, "checks": {"database": True}}
        cohort.health.lost("discord")  # configured, not connected (yet, or any more)
        cohort.health.watch("slack", connected)
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 503
            body = await response.json()
            assert body == {
                "ready": False,
                "checks": {"database": True, "discord": False, "slack": True},
            }
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200  # alive, whatever its dependencies say


async def test_probes_and_scrapes_stay_out_of_the_access_log_at_info(
    cohort: Cohort, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    async with serving(cohort) as base, aiohttp.ClientSession() as http:
        for path in ("/healthz", "/readyz", "/metrics", "/nothing-here"):
            async with http.get(f"{base}{path}") as response:
                await response.read()
    logged = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(logged) == 1
    assert "/nothing-here" in logged[0]
