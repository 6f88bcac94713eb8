"""`help` shows lines the caller can type as is, in their platform's form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.commands import bind, validate
from bot.grammar import tokenize
from bot.identity import CommunityRef, Platform
from tests.support import caller, reply

PREFIX = {Platform.CONSOLE: "/", Platform.SLACK: "/cohort ", Platform.DISCORD: "/"}


def _examples(body: str) -> list[str]:
    return re.findall(r"^Example: `([^`]+)`", body, flags=re.MULTILINE)


@pytest.mark.parametrize("platform", list(Platform))
async def test_every_help_example_runs_as_typed_on_the_callers_platform(
    cohort: Cohort, clock: ManualClock, platform: Platform
) -> None:
    who = caller("org", admin=True, community=CommunityRef(platform, "help"))
    today = cohort.clock.now().date()
    seen = 0
    for command in cohort.catalogue.commands:
        clock.advance(timedelta(seconds=3))  # more commands than one member may ask a minute
        shown = reply(await cohort.dispatcher.run_line(who, f"help {command.name}"))
        examples = _examples(shown.body)
        leaves = [leaf for path, leaf in cohort.catalogue.leaves() if path[0] == command.name]
        assert len(examples) == len(leaves), shown.body
        for line in examples:
            assert line.startswith(PREFIX[platform]), line
            typed = line.removeprefix(PREFIX[platform])
            tokens = tokenize(typed)
            _path, leaf, used = cohort.catalogue.resolve([t.text for t in tokens])
            if platform is Platform.DISCORD:  # Discord names every option: no bare words
                assert all(t.key for t in tokens[used:]), line
            validate(leaf, bind(leaf, tokens[used:]), today)
            seen += 1
    assert seen == len(list(cohort.catalogue.leaves()))


async def test_the_overview_tells_how_to_type_help_for_a_command(cohort: Cohort) -> None:
    slack = caller(community=CommunityRef(Platform.SLACK, "T1"))
    shown = reply(await cohort.dispatcher.run_line(slack, "help"))
    assert "`/cohort help goal`" in shown.body
    assert "<command>" not in shown.body
    console = reply(await cohort.dispatcher.run_line(caller(), "help"))
    assert "`/help goal`" in console.body
