"""The outbox's tables are queried from bot/outbox only: other features queue through
`enqueue` and read or change rows through the OutboxService."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TABLES = {"outbox", "outbox_orphans"}
# Until the privacy feature asks every feature's MemberData (the outbox's included) instead of
# querying the outbox itself; remove the entry then.
NOT_YET: set[str] = set()


def _imports_the_tables(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "bot.storage.tables"
        and any(alias.name in TABLES for alias in node.names)
        for node in ast.walk(tree)
    )


def test_only_the_outbox_package_imports_the_outbox_tables() -> None:
    bot = ROOT / "bot"
    offenders = {
        str(path.relative_to(ROOT))
        for path in bot.rglob("*.py")
        if "outbox" not in path.relative_to(bot).parts[:1] and _imports_the_tables(path)
    }
    assert offenders == NOT_YET
