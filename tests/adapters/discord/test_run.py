"""`cohort run` as an operator starts it with a Discord token: a real process connecting to the
loopback fake Discord's gateway, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.adapters.discord.conftest import TOKEN
from tests.adapters.process import assert_clean, run_cohort
from tests.adapters.slack.test_serve import free_port, get_until_up
from tests.fakes.discord_fake import FakeDiscord


async def test_cohort_run_connects_to_discord_and_stops_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    code, log = await run_cohort(
        tmp_path,
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "COHORT_PARSE_WORKERS": "1",
        },
        fake.wait_connected,
    )
    assert code == 0, log
    assert "parsing feeds in 1 worker process(es)" in log
    assert_clean(log, TOKEN)


async def test_cohort_run_on_discord_serves_health_readiness_and_metrics_and_logs_json(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    seen: dict[str, object] = {}

    async def ready_and_scraped() -> None:
        assert await get_until_up(f"{base}/healthz") == 200
        async with aiohttp.ClientSession() as http:
            while True:  # not ready until the gateway said READY
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        seen["ready"] = await response.json()
                        break
                    assert response.status == 503
                await asyncio.sleep(0.05)
            async with http.get(f"{base}/metrics") as response:
                seen["metrics"] = {
                    f.name for f in text_string_to_metric_families(await response.text())
                }

    code, log = await run_cohort(
        tmp_path,
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "COHORT_PARSE_WORKERS": "0",
            "COHORT_HTTP_PORT": str(port),
            "COHORT_LOG_FORMAT": "json",
        },
        ready_and_scraped,
    )
    assert code == 0, log
    assert seen["ready"] == {"ready": True, "checks": {"database": True, "discord": True}}
    assert {"cohort_outbox_rows", "cohort_command_seconds", "cohort_scheduler_lag_seconds"} <= (
        seen["metrics"]  # type: ignore[operator]
    )
    entries = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= entries[0].keys()
    messages = [e["message"] for e in entries]
    assert any(m.startswith("health and metrics on http://127.0.0.1:") for m in messages)
    probes = [m for m in messages if "GET /healthz" in m or "GET /readyz" in m]
    assert probes == []  # at INFO, probes and scrapes are not logged
    assert TOKEN not in log
