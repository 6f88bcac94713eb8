"""The catalogue: resolving command paths, binding tokens to options, validating values."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import Access, Args, Catalogue, Command, Option, OptionKind, bind, validate
from bot.errors import UserError
from bot.grammar import tokenize


async def _noop(ctx: object, args: Args) -> object:
    raise AssertionError("not called in these tests")


SUBMIT = Command(
    "submit",
    "Submit work",
    _noop,  # type: ignore[arg-type]
    options=(
        Option("link", "A link", OptionKind.URL, required=True, positional=True),
        Option("note", "A note", max_length=20),
        Option("hours", "Hours", OptionKind.INTEGER, min_value=0, max_value=80),
        Option("public", "Public", OptionKind.BOOLEAN),
        Option("when", "When", OptionKind.DATE),
        Option("at", "At", OptionKind.TIME),
        Option("zone", "Zone", OptionKind.TIMEZONE),
        Option("who", "Who", OptionKind.MEMBER),
        Option("where", "Where", OptionKind.CHANNEL),
        Option("level", "Level", OptionKind.CHOICE, choices=("easy", "hard")),
    ),
)
GROUP = Command(
    "profile",
    "Profile",
    subcommands=(Command("show", "Show", _noop), Command("set", "Set", _noop)),  # type: ignore[arg-type]
    default="show",
)
CATALOGUE = Catalogue((SUBMIT, GROUP))
TODAY = date(2026, 11, 29)


def _args(line: str) -> Args:
    return validate(SUBMIT, bind(SUBMIT, tokenize(line)), TODAY)


def test_resolve_finds_leaves_defaults_and_subcommands() -> None:
    assert CATALOGUE.resolve(["submit", "x"])[:1] == (("submit",),)
    assert CATALOGUE.resolve(["/profile"])[0] == ("profile", "show")
    assert CATALOGUE.resolve(["profile", "set"])[0] == ("profile", "set")


def test_an_unknown_command_suggests_the_nearest() -> None:
    with pytest.raises(UserError, match="Did you mean `profile`"):
        CATALOGUE.resolve(["profil"])


def test_positional_url_is_not_mistaken_for_an_option() -> None:
    args = _args("https://example.org/work note:done")
    assert args.text("link") == "https://example.org/work"
    assert args.text("note") == "done"


@pytest.mark.parametrize(
    ("line", "value_name", "expected"),
    [
        ("https://a.org hours:5", "hours", 5),
        ("https://a.org public:yes", "public", True),
        ("https://a.org public:OFF", "public", False),
        ("https://a.org when:2026-12-24", "when", date(2026, 12, 24)),
        ("https://a.org when:today", "when", TODAY),
        ("https://a.org at:9:05", "at", "09:05"),
        ("https://a.org zone:europe/berlin", "zone", "Europe/Berlin"),
        ("https://a.org who:<@U123|ada>", "who", "U123"),
        ("https://a.org who:<@!42>", "who", "42"),
        ("https://a.org who:@ada", "who", "ada"),
        ("https://a.org where:<#C9|general>", "where", "C9"),
        ("https://a.org where:#general", "where", "general"),
        ("https://a.org level:HARD", "level", "hard"),
    ],
)
def test_values_are_converted_to_their_types(line: str, value_name: str, expected: object) -> None:
    args = _args(line)
    assert args.get(value_name) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "Option `link` is required"),
        ("ftp://a.org", "`link` expects an http(s) link"),
        ("https://a.org hours:lots", "`hours` expects a whole number"),
        ("https://a.org hours:81", "between 0 and 80; you gave 81"),
        ("https://a.org note:" + "x" * 21, "21 characters long; the limit is 20"),
        ("https://a.org when:24/12/2026", "`when` expects a date like 2026-11-29"),
        ("https://a.org at:25:00", "`at` expects a 24-hour time"),
        ("https://a.org zone:Mars/Olympus", "IANA time zone"),
        ("https://a.org zone:Europe/Berlyn", "Did you mean `Europe/Berlin`"),
        ("https://a.org level:medium", "must be one of easy, hard"),
        ("https://a.org public:maybe", "expects true or false"),
        ("https://a.org hours:1 hours:2", "given twice"),
        ("https://a.org extra", "I don't know what to do with `extra`"),
        ("https://a.org nte:x", "Did you mean `note`"),
        ("https://" + "a" * 500 + ".org", "the limit is 500"),
    ],
)
def test_bad_input_names_the_option_and_what_it_expects(line: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        _args(line)
    assert message in caught.value.message


def test_duplicate_command_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Catalogue((SUBMIT, SUBMIT))


def test_subcommands_of_an_organizer_group_are_organizers_only() -> None:
    group = Command(
        "admin",
        "Admin",
        access=Access.ORGANIZER,
        subcommands=(Command("x", "X", _noop),),  # type: ignore[arg-type]
    )
    assert group.subcommands[0].access is Access.ORGANIZER
