"""The shared test helpers can fail: a raising handler makes the catalogue-wide checks fail."""

from __future__ import annotations

import logging

import pytest

from bot.app import Cohort
from bot.commands import Args, Catalogue, Command
from bot.context import Context
from bot.dispatch import Dispatcher
from bot.replies import Answer, Reply
from tests.support import caller, no_errors_logged, text_of


async def _broken(ctx: Context, args: Args) -> Answer:
    raise RuntimeError("a bug in a handler")


async def _fine(ctx: Context, args: Args) -> Answer:
    return Reply(body="fine")


async def test_a_raising_handler_fails_the_no_errors_check(cohort: Cohort) -> None:
    catalogue = Catalogue((Command("broken", "Raises", _broken), Command("fine", "Works", _fine)))
    dispatcher = Dispatcher(catalogue, cohort.communities, cohort.clock)
    with no_errors_logged():
        assert "fine" in text_of(await dispatcher.run_line(caller(), "fine"))
    answers = []
    with pytest.raises(AssertionError, match="errors were logged"), no_errors_logged():
        answers.append(await dispatcher.run_line(caller(), "broken"))
    assert "error id" in text_of(answers[0])  # it answered, which alone would have passed


def test_an_error_logged_anywhere_fails_the_check() -> None:
    with pytest.raises(AssertionError, match="errors were logged"), no_errors_logged():
        logging.getLogger("adapters.slack").error("render failed")
    with no_errors_logged():
        logging.getLogger("adapters.slack").warning("only a warning")
