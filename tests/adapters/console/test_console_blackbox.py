"""`cohort console` driven through stdin by a subprocess, as a user would."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.storage.database import Database
from tests.adapters.console.conftest import environment

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_help_lists_the_commands(run: Run) -> None:
    result = run("/help\n")
    assert result.returncode == 0, result.stderr
    for name in ("help", "join", "profile", "leave", "setup"):
        assert f"- {name}:" in result.stdout


def test_join_then_profile_survives_a_restart(run: Run) -> None:
    first = run("/join timezone:Europe/Berlin\n/profile\n")
    assert first.returncode == 0, first.stderr
    assert "== Profile of you ==" in first.stdout
    assert "Time zone: Europe/Berlin" in first.stdout
    second = run("/profile\n")
    assert "Time zone: Europe/Berlin" in second.stdout
    assert "haven't joined" not in second.stdout


def test_bad_input_gives_clear_errors_and_no_traceback(run: Run) -> None:
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


def test_users_switch_and_organizers_are_named(run: Run) -> None:
    result = run(":as mia\n/setup\n:organizer mia\n/setup timezone:Asia/Tokyo\n:quit\n/help\n")
    assert "Only organizers can run setup" in result.stdout
    assert "Saved: time zone Asia/Tokyo" in result.stdout
    assert "Cohort commands" not in result.stdout  # nothing runs after :quit


def test_advance_moves_the_clock(run: Run) -> None:
    result = run("/join\n:advance 15d\n/profile\n")
    assert "Clock is now" in result.stdout
    assert "Journey: week 3" in result.stdout


def test_debug_logging_never_prints_tokens(run: Run) -> None:
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


def test_advance_runs_the_schedule_and_prints_each_post_with_its_channel(run: Run) -> None:
    # A week from any start crosses exactly one Monday 09:00, whatever the day and hour the test
    # runs at (the community, created by setup, never runs occurrences from before it existed).
    result = run(
        "/setup challenges:#challenges post:challenges day:mon time:09:00\n"
        ":advance 7d\n/challenge\n"
    )
    assert result.stdout.count("--- post to #challenges ---") == 1
    assert "== Weekly challenge: " in result.stdout
    assert "Open until" in result.stdout


def test_cohort_run_without_credentials_starts_the_console(run: Run) -> None:
    result = run("/help\n", command="run")
    assert result.returncode == 0, result.stderr
    assert "Cohort commands" in result.stdout


def test_sigterm_shuts_the_console_down_cleanly(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.main", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=environment(database_url),
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("/help\n")
    process.stdin.flush()
    assert "Cohort commands" in process.stdout.readline()  # it is up and reading
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


def test_export_writes_the_members_data_to_a_file_and_says_where(run: Run, tmp_path: Path) -> None:
    result = run(
        '/join timezone:Asia/Tokyo\n/checkin hours:3 done:"linear algebra"\n/export\n/export\n'
    )
    assert "saved to cohort-files/cohort-export.json" in result.stdout, result.stdout
    assert "saved to cohort-files/cohort-export-2.json" in result.stdout  # never overwritten
    exported = (tmp_path / "cohort-files" / "cohort-export.json").read_text(encoding="utf-8")
    assert '"timezone": "Asia/Tokyo"' in exported
    assert '"done": "linear algebra"' in exported


def test_a_picture_is_written_to_a_file_and_its_path_printed(run: Run, tmp_path: Path) -> None:
    result = run("/join\n/progress\n")
    assert "saved to cohort-files/progress.png" in result.stdout, result.stdout
    png = (tmp_path / "cohort-files" / "progress.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n")


def test_a_restarted_console_keeps_the_clock_where_advance_left_it(run: Run) -> None:
    first = run("/join\n:advance 8d\n/profile\n:quit\n")
    assert "Journey: week 2" in first.stdout, first.stdout
    second = run("/profile\n:advance 7d\n/profile\n")
    assert re.search(r"(7d 23h 5\dm|8d) ahead of real time, as :advance left it", second.stdout)
    restarted, advanced = second.stdout.split("Clock is now", 1)
    assert "Journey: week 2" in restarted, second.stdout  # not back in week 1
    assert "Journey: week 3" in advanced, second.stdout


def test_posts_made_by_a_command_appear_at_once(run: Run) -> None:
    result = run(
        "/setup challenges:#challenges matchups:#matchups\n/challenge post-now\n/help\n"
        ":as ann\n/join\n/match join\n:as bob\n/join\n/match join\n:as you\n/match run\n/help\n"
    )
    first, rest = result.stdout.split("== Cohort commands ==", 1)
    assert "--- post to #challenges ---\n== Weekly challenge:" in first, first
    assert "--- post to group ann, bob ---" in rest.split("== Cohort commands ==")[0], rest


def test_a_form_checks_each_field_as_it_is_typed(run_in_terminal: Callable[[str], str]) -> None:
    # After the hours: Enter for next, blockers, what the blocker is about, milestones, confidence.
    out = run_in_terminal("/join\n/checkin\nread a book\nlots\n-3\n4\n\n\n\n\n\n")
    assert "error: hours expects a whole number, not lots." in out, out
    assert "error: hours must be between 0 and 80; you gave -3." in out, out
    assert "Checked in for" in out, out
    assert "4 h." in out


def test_a_refused_form_keeps_what_was_typed(run_in_terminal: Callable[[str], str]) -> None:
    out = run_in_terminal(
        "/join\n/checkin\nread a book\n4\n\n\n\nno-such-milestone\n\n"  # refused as a whole
        "\n\n\n\n\n-\n\n"  # Enter keeps each value; "-" empties the wrong one
    )
    refused, fixed = out.split("Fix what the error names", 1)
    assert "There is no milestone" in refused, out
    assert "[read a book]: " in fixed, out
    assert "[4]: " in fixed, out
    assert "[no-such-milestone]: " in fixed, out
    assert "Checked in for" in fixed, out
    assert "4 h." in fixed


def test_a_form_can_be_cancelled(run_in_terminal: Callable[[str], str]) -> None:
    out = run_in_terminal("/join\n/checkin\nread a book\n:cancel\n/checkin\n:cancel\n:cancel\n")
    assert out.count("Cancelled: nothing was sent.") == 2, out
    assert "Checked in" not in out
    assert "Nothing to cancel" in out


def test_a_hint_pasted_without_the_slash_runs_as_the_command(run: Run) -> None:
    result = run('/join\ngoal add text:"ship the RAG demo"\ngoal done 1\nhello there\n')
    assert "== Goal 1 added ==" in result.stdout
    assert "== Goal 1 done ==" in result.stdout
    assert result.stdout.count("Commands start with /") == 1  # only for `hello there`
    assert "Traceback" not in result.stdout + result.stderr
