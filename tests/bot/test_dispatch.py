"""The dispatcher: help, unknown commands, and unexpected errors shown only as an error id."""

from __future__ import annotations

import logging

import pytest

from bot.app import Cohort
from bot.commands import Args, Catalogue, Command
from bot.context import Context
from bot.dispatch import Dispatcher
from bot.replies import Answer, Tone
from tests.support import caller, reply, text_of


async def test_help_lists_member_commands_and_hides_organizer_ones(cohort: Cohort) -> None:
    member_help = text_of(await cohort.dispatcher.run_line(caller(), "help"))
    assert "join" in member_help
    assert "setup" not in member_help
    organizer_help = text_of(await cohort.dispatcher.run_line(caller(admin=True), "help"))
    assert "setup" in organizer_help


async def test_help_for_one_command_shows_its_usage(cohort: Cohort) -> None:
    shown = text_of(await cohort.dispatcher.run_line(caller(), "help profile"))
    assert "profile set [timezone:Area/City]" in shown
    assert "profile alone runs profile show" in shown


async def test_help_for_an_unknown_command_suggests_one(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller(), "help jion"))
    assert "Did you mean `join`" in answer.body


async def test_an_unclosed_quote_is_explained(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller(), 'join focus:"nlp'))
    assert answer.tone is Tone.ERROR
    assert "not closed" in answer.body


async def test_a_crash_shows_an_error_id_and_logs_the_traceback(
    cohort: Cohort, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(ctx: Context, args: Args) -> Answer:
        raise ZeroDivisionError("secret internals")

    dispatcher = Dispatcher(
        Catalogue((Command("boom", "Fails", broken),)), cohort.communities, cohort.clock
    )
    with caplog.at_level(logging.ERROR):
        answer = reply(await dispatcher.run_line(caller(), "boom"))
    assert answer.tone is Tone.ERROR
    assert "secret internals" not in answer.body
    error_id = answer.body.split("`")[-2]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


async def test_time_zone_suggestions_match_what_was_typed(cohort: Cohort) -> None:
    from bot.commands import Autocomplete

    found = await cohort.dispatcher.suggestions(caller(), Autocomplete.TIMEZONE, "berl")
    assert found[0] == "Europe/Berlin"
    assert len(await cohort.dispatcher.suggestions(caller(), Autocomplete.TIMEZONE, "")) == 25


async def test_members_are_not_shown_organizer_subcommands(cohort: Cohort) -> None:
    member_help = text_of(await cohort.dispatcher.run_line(caller(), "help"))
    challenge_line = next(line for line in member_help.splitlines() if "- challenge:" in line)
    assert "submit" in challenge_line
    assert "post-now" not in challenge_line
    organizer_help = text_of(await cohort.dispatcher.run_line(caller(admin=True), "help"))
    assert "post-now" in organizer_help
    detail = text_of(await cohort.dispatcher.run_line(caller(), "help challenge"))
    assert "challenge post-now (organizers)" in detail


@pytest.mark.parametrize("line", ["{long}", "help {long}", "goal {long}"])
async def test_an_unknown_long_word_is_not_echoed_whole(cohort: Cohort, line: str) -> None:
    long = "x" * 10_000
    answer = reply(await cohort.dispatcher.run_line(caller(), line.format(long=long)))
    assert answer.tone is Tone.ERROR
    assert len(answer.body) < 300
    assert "x" * 60 not in answer.body


async def test_one_form_value_is_checked_as_the_command_would_check_it(cohort: Cohort) -> None:
    problem = cohort.dispatcher.problem
    member = caller("ann")
    assert await problem(member, ("checkin",), "hours", "4") is None
    assert await problem(member, ("checkin",), "hours", "") is None  # required-ness is the form's
    assert await problem(member, ("checkin",), "hours", "lots") == (
        "`hours` expects a whole number, not `lots`."
    )
    assert "no option `mood`" in (await problem(member, ("checkin",), "mood", "fine") or "")
