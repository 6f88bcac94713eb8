"""`cohort run` as an operator starts it with Slack credentials: a real process in HTTP mode
against the loopback fake Slack, with its parse workers, answering /healthz, /readyz and
/metrics and stopping cleanly on SIGTERM, and on a Ctrl+C that reaches its parse workers too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.adapters.process import assert_clean, run_cohort
from tests.adapters.slack.conftest import SECRET, TOKEN
from tests.adapters.slack.test_serve import free_port, get_until_up
from tests.fakes.slack_fake import FakeSlack


@pytest.mark.parametrize("ctrl_c", [False, True], ids=["sigterm", "ctrl-c"])
async def test_cohort_run_serves_slack_with_its_parse_workers_and_stops_cleanly(
    fake: FakeSlack, tmp_path: Path, ctrl_c: bool
) -> None:
    port = free_port()

    async def healthy() -> None:
        assert await get_until_up(f"http://127.0.0.1:{port}/healthz") == 200
        # The same server carries readiness and metrics beside /slack/events.
        assert await get_until_up(f"http://127.0.0.1:{port}/readyz") == 200
        assert await get_until_up(f"http://127.0.0.1:{port}/metrics") == 200

    code, log = await run_cohort(
        tmp_path, _http_mode(fake, port, COHORT_PARSE_WORKERS="2"), healthy, ctrl_c=ctrl_c
    )
    assert code == 0, log
    assert "KeyboardInterrupt" not in log
    assert "parsing feeds in 2 worker process(es)" in log
    assert "Slack HTTP mode: listening" in log
    assert_clean(log, TOKEN, SECRET)


async def test_idle_scheduler_ticks_log_nothing_at_info(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()

    async def several_ticks() -> None:
        assert await get_until_up(f"http://127.0.0.1:{port}/healthz") == 200
        await asyncio.sleep(1.5)  # ten ticks at 0.15 s, none of them with anything due

    code, log = await run_cohort(
        tmp_path,
        _http_mode(fake, port, COHORT_PARSE_WORKERS="0", COHORT_TICK_SECONDS="0.15"),
        several_ticks,
    )
    assert code == 0, log
    assert "apscheduler" not in log, log  # its "Running job" and "executed" lines per tick
    assert "scheduler tick" not in log, log  # the ticker's own account is DEBUG


def _http_mode(fake: FakeSlack, port: int, **env: str) -> dict[str, str]:
    """The settings of Slack HTTP mode against the fake on `port`, plus `env`."""
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "COHORT_HTTP_PORT": str(port),
        **env,
    }
