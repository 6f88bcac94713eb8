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


# -- boundaries between packages -------------------------------------------------------------

BOT = ROOT / "bot"
# The contract, the registry and the composition root name every feature by design.
COMPOSITION = {"feature", "features", "app"}
# Modules that may read a clock: the dispatcher (the time of a command), the scheduler and
# ticker (the time of an occurrence), the feed refresh loop (the time a round starts), the
# outbox (delivery timing), shard leases (lease timing), the feed fetcher (network timing),
# metrics (latencies), the database (how long a pooled connection sat unused) and the clocks
# themselves.
CLOCK_READERS = (
    "bot/clock.py",
    "bot/dispatch.py",
    "bot/scheduler.py",
    "bot/ticker.py",
    "bot/digests/refresher.py",
    "bot/outbox/",
    "bot/digests/fetcher.py",
    "bot/shards.py",
    "bot/metrics.py",
    "bot/storage/database.py",
)
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if "migrations" not in p.parts)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _unit(path: Path) -> str:
    """The package (or top-level module) of bot/ a module belongs to: `checkins`, `dispatch`."""
    return path.relative_to(BOT).parts[0].removesuffix(".py")


def bot_imports(path: Path, root: Path = ROOT) -> set[str]:
    """Every `bot.` module a file imports, at module level, in functions or under
    TYPE_CHECKING alike; `from bot.x import y` counts as `bot.x` and `bot.x.y`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.startswith("bot.")}


def _unit_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return parts[1] if (BOT / parts[1]).is_dir() or (BOT / f"{parts[1]}.py").exists() else None


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _modules():
        unit = _unit(path)
        if unit in COMPOSITION:
            continue
        for module in bot_imports(path):
            other = _unit_of(module)
            if other is not None and other != unit:
                graph.setdefault(unit, set()).add(other)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[tuple[str, ...]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(tuple(sorted(group)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def store_imports_across_packages() -> set[str]:
    found = set()
    for path in _modules():
        for module in bot_imports(path):
            parts = module.split(".")
            if len(parts) == 3 and parts[2] == "store" and parts[1] != _unit(path):
                found.add(f"{_name(path)} -> {module}")
    return found


def messages_importing_services() -> set[str]:
    found = set()
    for path in _modules():
        if path.name == "messages.py" or path.name.endswith("_messages.py"):
            found.update(
                f"{_name(path)} -> {module}"
                for module in bot_imports(path)
                if module.split(".")[-1] == "service"
            )
    return found


def is_clock_read(call: ast.Call) -> bool:
    """`x.now()`, `x.utcnow()`, `date.today()`, `time.time()`, `loop.time()` and the like:
    a read of the wall or event-loop clock (`member.today(now)` or `moment.time()` are not)."""
    if not isinstance(call.func, ast.Attribute):
        return False
    name = call.func.attr
    receiver = call.func.value.id if isinstance(call.func.value, ast.Name) else ""
    if name in {"now", "utcnow"}:
        return True
    if name == "today":
        return receiver in {"date", "datetime"}
    return name in {"time", "monotonic", "perf_counter"} and receiver in {"time", "loop"}


def clock_reads() -> set[str]:
    found = set()
    for path in _modules():
        if _name(path).startswith(CLOCK_READERS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found.update(
            f"{_name(path)}: {ast.unparse(node)}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and is_clock_read(node)
        )
    return found


def long_modules() -> set[str]:
    return {
        f"{_name(path)} ({lines} lines)"
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }


def test_no_package_imports_another_packages_store() -> None:
    assert sorted(store_imports_across_packages()) == []


def test_no_import_cycle_between_packages() -> None:
    assert cycles(package_graph()) == []


def test_messages_never_import_a_service() -> None:
    assert sorted(messages_importing_services()) == []


def test_only_the_dispatcher_scheduler_outbox_and_fetcher_read_a_clock() -> None:
    assert sorted(clock_reads()) == []


def test_no_module_under_bot_is_over_400_lines() -> None:
    assert sorted(long_modules()) == []


def test_the_cycle_finder_sees_cycles_hidden_behind_type_checking(tmp_path: Path) -> None:
    module = tmp_path / "bot" / "alpha" / "messages.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from bot.beta.service import Thing\n"
        "def f() -> None:\n"
        "    from ..gamma import store\n",
        encoding="utf-8",
    )
    assert bot_imports(module, tmp_path) >= {"bot.beta.service", "bot.gamma.store"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [("a", "b", "c")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_clock_rule_tells_clock_reads_from_date_arithmetic() -> None:
    def calls(source: str) -> list[bool]:
        tree = ast.parse(source)
        return [is_clock_read(n) for n in ast.walk(tree) if isinstance(n, ast.Call)]

    assert calls("self._clock.now()") == [True]
    assert calls("datetime.now(UTC)") == [True]
    assert calls("date.today()") == [True]
    assert calls("loop.time()") == [True]
    assert calls("member.today(now)") == [False]
    assert calls("wall.time()") == [False]
