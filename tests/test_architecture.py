"""Rules about the shape of the code that keep the core platform-neutral and docs current."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.app import Cohort
from bot.clock import ManualClock
from bot.help.reference import reference
from bot.settings import Settings
from bot.storage.database import Database

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_LIBRARIES = {"discord", "slack_bolt", "slack_sdk"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_nothing_under_bot_imports_a_platform_library_or_an_adapter() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & (PLATFORM_LIBRARIES | {"adapters"}))
        for path in (ROOT / "bot").rglob("*.py")
        if _imports(path) & (PLATFORM_LIBRARIES | {"adapters"})
    }
    assert offenders == {}


def test_importing_the_whole_core_loads_no_platform_library() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "bot").rglob("*.py")
        if "migrations" not in p.parts
    )
    roots = sorted(PLATFORM_LIBRARIES)
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m.removesuffix('.__init__'))\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r}))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and a script we wrote
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "adapters")
        for path in (ROOT / folder).rglob("*.py")
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []


def test_docs_commands_md_matches_the_catalogue() -> None:
    settings = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    cohort = Cohort(settings, clock, Database.connect(settings.database_url))
    written = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert written == reference(cohort.catalogue), "docs/commands.md is stale: run `cohort docs`"
