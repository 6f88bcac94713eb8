"""`cohort run` as an operator starts it with Slack credentials: a real process in HTTP mode
against the loopback fake Slack, with its parse workers, answering /healthz and stopping
cleanly on SIGTERM, and on a Ctrl+C that reaches its parse workers too."""

from __future__ import annotations

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

    code, log = await run_cohort(
        tmp_path,
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "COHORT_HTTP_PORT": str(port),
            "COHORT_PARSE_WORKERS": "2",
        },
        healthy,
        ctrl_c=ctrl_c,
    )
    assert code == 0, log
    assert "KeyboardInterrupt" not in log
    assert "parsing feeds in 2 worker process(es)" in log
    assert "Slack HTTP mode: listening" in log
    assert_clean(log, TOKEN, SECRET)
