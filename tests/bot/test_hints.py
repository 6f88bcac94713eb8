"""Every command line the core's wording suggests can be typed as is: it parses and validates
through the catalogue (a `<n>` or `Area/City` placeholder cannot)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.commands import bind, validate
from bot.errors import UserError
from bot.grammar import tokenize
from tests.support import catalogue

BOT = Path(__file__).resolve().parents[2] / "bot"
_SPAN = re.compile(r"(?<!`)`([^`\n{}]+)`(?!`)")


def _hints() -> list[tuple[str, str]]:
    names = set(catalogue().names())
    found = []
    for path in sorted(BOT.rglob("*.py")):
        if path.name not in ("messages.py", "commands.py"):
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
    assert not re.search(r"<[a-z-]+>", hint), f"{where}: `{hint}` holds a placeholder"
    whole = catalogue()
    tokens = tokenize(hint)
    _path, command, used = whole.resolve([t.text for t in tokens])
    rest = tokens[used:]
    if not rest:
        return  # names a command, like `feeds add`, to say which one
    try:
        validate(command, bind(command, rest), date(2026, 1, 1))
    except UserError as error:
        pytest.fail(f"{where}: `{hint}` cannot be typed as is: {error.message}")
