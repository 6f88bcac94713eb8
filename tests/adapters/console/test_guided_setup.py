"""The guided setup in `cohort console` on a terminal: the welcome when Cohort first starts,
the pickers asked in turn, and the defaults in one Enter."""

from __future__ import annotations

from collections.abc import Callable

Terminal = Callable[[str], str]
WELCOME = "Thanks for adding Cohort!"


def test_from_the_first_start_to_the_first_scheduled_post_takes_two_lines(
    run_in_terminal: Terminal,
) -> None:
    typed = ["/setup", ""]  # the interactions: the command, and Enter for its defaults
    out = run_in_terminal("\n".join([*typed, ":advance 8d"]) + "\n")
    assert out.count(WELCOME) == 1
    assert "Enter runs /setup all:console feeds:on" in out
    assert "Saved: challenges in #console; digest in #console" in out
    _, _, later = out.partition("Saved: challenges in #console")
    assert "--- post to #console ---\n== Weekly check-in ==" in later
    assert len(typed) <= 3


def test_each_picker_is_asked_in_turn_and_checked_as_it_is_typed(
    run_in_terminal: Terminal,
) -> None:
    answers = ["general", "organizers", "Mars/Base", "Europe/Berlin", "challenges,digest", "", "on"]
    out = run_in_terminal("\n".join(["/setup", "pick", *answers]) + "\n")
    assert "Channel for every member post (a channel name; Enter keeps, - skips): " in out
    assert "error: timezone expects an IANA time zone name" in out
    assert (
        "Saved: time zone Europe/Berlin; challenges in #general; digest in #general; "
        "checkins in #general; matchups in #general; reports in #organizers; checkins off; "
        "matchups off; reports off; following" in out
    )
    assert "✅ Reports: #organizers, turned off" in out


def test_the_welcome_is_shown_once_per_database(run_in_terminal: Terminal) -> None:
    assert WELCOME in run_in_terminal("/help\n")
    assert WELCOME not in run_in_terminal("/help\n")
