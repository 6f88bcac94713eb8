"""`cohort run` as an operator starts it: a real process in Slack HTTP mode against the loopback
fake Slack, with its parse workers, answering /healthz and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.adapters.slack.conftest import SECRET, TOKEN
from tests.adapters.slack.test_serve import free_port, get_until_up
from tests.fakes.slack_fake import FakeSlack

REPO = Path(__file__).resolve().parents[3]


async def test_cohort_run_starts_its_parse_workers_serves_and_stops_on_sigterm(
    fake: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "COHORT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cohort.db'}",
        "COHORT_HTTP_PORT": str(port),
        "COHORT_PARSE_WORKERS": "2",
        "PYTHONPATH": str(REPO),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.main",
        "run",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert await get_until_up(f"http://127.0.0.1:{port}/healthz") == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    log = errors.decode()
    assert process.returncode == 0, log
    assert "parsing feeds in 2 worker process(es)" in log
    assert "Slack HTTP mode: listening" in log
    assert "shutting down" in log
    assert "Traceback" not in log
    assert "WARNING" not in log  # Bolt's notice that the client wins over the token included
    assert "leaked" not in log  # multiprocessing's warning about what a pool left behind
    assert TOKEN not in log
    assert SECRET not in log
