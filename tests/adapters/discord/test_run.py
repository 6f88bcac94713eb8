"""`cohort run` as an operator starts it with a Discord token: a real process connecting to the
loopback fake Discord's gateway, and stopping cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.discord.conftest import TOKEN
from tests.adapters.process import assert_clean, run_cohort
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
