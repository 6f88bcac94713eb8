"""`cohort console` driven through stdin by a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage.database import Database

ROOT = Path(__file__).resolve().parents[3]


def console(
    database_url: str, cwd: Path, text: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "SLACK_", "COHORT_"))
        },
        "COHORT_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "console"],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
        check=False,
    )


@pytest.fixture
def run(db: Database, database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    def _run(text: str, **env: str) -> subprocess.CompletedProcess[str]:
        return console(database_url, tmp_path, text, **env)

    return _run


def test_help_lists_the_commands(run) -> None:  # type: ignore[no-untyped-def]
    result = run("/help\n")
    assert result.returncode == 0, result.stderr
    for name in ("help", "join", "profile", "leave", "setup"):
        assert f"- {name}:" in result.stdout


def test_join_then_profile_survives_a_restart(run) -> None:  # type: ignore[no-untyped-def]
    first = run("/join timezone:Europe/Berlin\n/profile\n")
    assert first.returncode == 0, first.stderr
    assert "== Profile of you ==" in first.stdout
    assert "Time zone: Europe/Berlin" in first.stdout
    second = run("/profile\n")
    assert "Time zone: Europe/Berlin" in second.stdout
    assert "haven't joined" not in second.stdout


def test_bad_input_gives_clear_errors_and_no_traceback(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        '/join timezone:Mars/Olympus\n/jion\n/join focus:"unclosed\nhello\n:advance soon\n'
    )
    assert result.returncode == 0
    assert "error: timezone expects an IANA time zone name" in result.stdout
    assert "Did you mean join?" in result.stdout
    assert "double quote is not closed" in result.stdout
    assert "Commands start with /" in result.stdout
    assert "give a duration like 30m" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_users_switch_and_organizers_are_named(run) -> None:  # type: ignore[no-untyped-def]
    result = run(":as mia\n/setup\n:organizer mia\n/setup timezone:Asia/Tokyo\n:quit\n/help\n")
    assert "Only organizers can run setup" in result.stdout
    assert "Saved: time zone Asia/Tokyo" in result.stdout
    assert "Cohort commands" not in result.stdout  # nothing runs after :quit


def test_advance_moves_the_clock(run) -> None:  # type: ignore[no-untyped-def]
    result = run("/join\n:advance 15d\n/profile\n")
    assert "Clock is now" in result.stdout
    assert "Journey: week 3" in result.stdout


def test_debug_logging_never_prints_tokens(run) -> None:  # type: ignore[no-untyped-def]
    secrets = {
        "DISCORD_TOKEN": "discord-token-SECRET-1",
        "SLACK_BOT_TOKEN": "xoxb-SECRET-2",
        "SLACK_APP_TOKEN": "xapp-SECRET-3",
        "SLACK_SIGNING_SECRET": "signing-SECRET-4",
    }
    result = run("/join\n/profile\n/setup\n", COHORT_LOG_LEVEL="DEBUG", **secrets)
    assert result.returncode == 0, result.stderr
    assert "DEBUG" in result.stderr  # the run really logged at DEBUG
    for value in secrets.values():
        assert value not in result.stdout + result.stderr
