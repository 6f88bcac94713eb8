"""Every integer option has both bounds, so no number a user types can overflow a column."""

from __future__ import annotations

import pytest

from bot.app import Cohort
from bot.commands import MAX_ID, OptionKind
from bot.replies import Tone
from tests.support import caller, reply, text_of
from tests.support import catalogue as whole_catalogue

HUGE = ["99999999999999999999999", "9223372036854775808", str(MAX_ID + 1), "-9223372036854775809"]


def test_every_integer_option_of_the_catalogue_has_both_bounds_within_a_column() -> None:
    catalogue = whole_catalogue()
    unbounded = [
        f"{' '.join(path)} {option.name}"
        for path, command in catalogue.leaves()
        for option in command.options
        if option.kind is OptionKind.INTEGER
        and (
            option.min_value is None
            or option.max_value is None
            or option.min_value < -MAX_ID
            or option.max_value > MAX_ID
        )
    ]
    assert unbounded == []


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("line", "admin"),
    [
        ("goal done {n}", False),
        ("challenge kudos id:{n}", False),
        ("challenge review id:{n} score:3", False),
        ("match met round:{n} answer:yes", False),
        ("outbox retry id:{n}", True),
        ("feeds remove id:{n}", True),
        ("roadmap phase:{n}", False),
    ],
)
async def test_a_huge_number_gets_the_one_line_range_error(
    cohort: Cohort, line: str, admin: bool, number: str
) -> None:
    who = caller("ada", admin=admin)
    await cohort.dispatcher.run_line(who, "join")
    answer = reply(await cohort.dispatcher.run_line(who, line.format(n=number)))
    assert answer.tone is Tone.ERROR
    assert "must be between" in answer.body, answer.body
    assert "None" not in answer.body
    assert f"and {MAX_ID:,}" in answer.body or f"and {MAX_ID}" in answer.body


def test_every_id_option_takes_a_bare_word_too() -> None:
    catalogue = whole_catalogue()
    named = [
        " ".join(path)
        for path, command in catalogue.leaves()
        for option in command.options
        if option.name == "id" and not option.positional
    ]
    assert named == []


@pytest.mark.parametrize(
    ("line", "admin"),
    [
        ("goal done {n}", False),
        ("challenge kudos {n}", False),
        ("outbox retry {n}", True),
        ("feeds remove {n}", True),
    ],
)
async def test_a_positional_id_reads_like_id_colon(cohort: Cohort, line: str, admin: bool) -> None:
    who = caller("ada", admin=admin)
    await cohort.dispatcher.run_line(who, "join")
    bare = text_of(await cohort.dispatcher.run_line(who, line.format(n="77")))
    named = text_of(await cohort.dispatcher.run_line(who, line.format(n="id:77")))
    assert bare == named
    assert "don't know what to do" not in bare
