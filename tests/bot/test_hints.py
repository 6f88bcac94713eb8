"""Every command line the core's wording suggests can be typed as is: it parses and validates
through the catalogue (a `<n>` or `Area/City` placeholder cannot)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.commands import Catalogue, bind, validate
from bot.errors import UserError
from bot.grammar import tokenize
from bot.settings import Settings
from bot.storage.database import Database

BOT = Path(__file__).resolve().parents[2] / "bot"
_SPAN = re.compile(r"(?<!`)`([^`\n{}]+)`(?!`)")
# Changed in parallel by the feeds and outbox work, which owns their wording.
ELSEWHERE = {"digests", "deliveries"}


def _catalogue() -> Catalogue:
    settings = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    return Cohort(settings, clock, Database.connect(settings.database_url)).catalogue


def _hints() -> list[tuple[str, str]]:
    names = set(_catalogue().names())
    found = []
    for path in sorted(BOT.rglob("*.py")):
        if path.name not in ("messages.py", "commands.py") or path.parent.name in ELSEWHERE:
            continue
        for match in _SPAN.finditer(path.read_text(encoding="utf-8")):
            words = match.group(1).split()
            if words and words[0] in names:
                found.append((f"{path.parent.name}/{path.name}", match.group(1)))
    return found


def test_the_scan_finds_the_hints() -> None:
    assert len(_hints()) > 40


@pytest.mark.parametrize(("where", "hint"), _hints())
def test_a_suggested_command_line_runs_as_typed(where: str, hint: str) -> None:
    catalogue = _catalogue()
    tokens = tokenize(hint)
    _path, command, used = catalogue.resolve([t.text for t in tokens])
    rest = tokens[used:]
    if not rest:
        return  # names a command, like `feeds add`, to say which one
    try:
        validate(command, bind(command, rest), date(2026, 1, 1))
    except UserError as error:
        pytest.fail(f"{where}: `{hint}` cannot be typed as is: {error.message}")
