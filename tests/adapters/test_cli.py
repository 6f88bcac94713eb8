"""The `cohort` command line as an operator meets it: version, half-set credentials, docs."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from bot.ticker import SchedulerLock
from tests.adapters.process import run_command


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    result = run_command(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cohort {version('cohort-bot')}"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-half-1"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-half-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_APP_TOKEN": "xapp-half-2"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "signing-half-3"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-half-2", "SLACK_SIGNING_SECRET": "half-3"}, "SLACK_BOT_TOKEN"),
        ({"DISCORD_SHARD_COUNT": "2"}, "DISCORD_TOKEN"),
        ({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_TOKEN"),
    ],
)
def test_run_with_half_set_credentials_names_what_is_missing_and_fails(
    tmp_path: Path, env: dict[str, str], missing: str
) -> None:
    result = run_command(tmp_path, "run", stdin="/help\n", **env)
    assert result.returncode == 2
    assert result.stdout == ""  # neither the console nor a platform started
    assert result.stderr.startswith("cohort: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert missing in result.stderr
    assert "half" not in result.stderr  # names the settings, never prints a secret


def test_the_console_still_starts_with_half_set_credentials(tmp_path: Path) -> None:
    # The console uses no platform, so a half-finished platform setup does not block it.
    result = run_command(tmp_path, "console", stdin="/help\n", SLACK_BOT_TOKEN="xoxb-half")
    assert result.returncode == 0, result.stderr
    assert "- join:" in result.stdout


def test_docs_outside_the_repository_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_command(tmp_path, "docs")
    assert result.returncode == 2
    assert result.stderr == (
        "cohort: cannot write docs/commands.md: No such file or directory; run it from the "
        "repository root or pass --output\n"
    )


def test_docs_writes_where_it_is_told(tmp_path: Path) -> None:
    result = run_command(tmp_path, "docs", "--output", "commands.md")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "commands.md").read_text(encoding="utf-8").startswith("#")


def test_a_second_discord_process_on_one_sqlite_file_refuses_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "cohort.db"
    first = SchedulerLock(f"sqlite+aiosqlite:///{database}")
    first.acquire()  # as a running `cohort run` holds it
    try:
        result = run_command(
            tmp_path,
            "run",
            DISCORD_TOKEN="discord-token-never-used",
            COHORT_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        )
    finally:
        first.release()
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("cohort: another Cohort process runs on this SQLite database")
    assert "move to PostgreSQL" in result.stderr
