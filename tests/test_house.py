"""The feature contract and the unit of work hold for every package: each feature declares
itself once in the registry, services are built only there, and stores take one transaction,
write typed values, build their own SQL and hold no domain types."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from bot.features import FEATURES

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _store_modules() -> list[Path]:
    return sorted(
        p
        for p in BOT.rglob("*.py")
        if p.name == "store.py" or (p.parent.name == "store" and p.name != "__init__.py")
    )


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _constructs_a_service(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.endswith("Service")
        for node in ast.walk(tree)
    )


def test_every_feature_package_is_declared_once_in_the_registry() -> None:
    declared = [
        importlib.import_module(f"bot.{path.parent.name}.feature").FEATURE
        for path in sorted(BOT.glob("*/feature.py"))
    ]
    assert sorted(f.name for f in declared) == sorted(f.name for f in FEATURES)
    assert all(any(f is g for g in FEATURES) for f in declared)
    assert len({f.name for f in FEATURES}) == len(FEATURES)
    with_commands = {p.parent.name for p in BOT.glob("*/commands.py")}
    assert sorted(with_commands - {p.parent.name for p in BOT.glob("*/feature.py")}) == []


def test_services_are_built_by_features_never_in_command_factories_or_the_root() -> None:
    builders = [BOT / "app.py", *sorted(BOT.glob("*/commands.py"))]
    assert [_name(p) for p in builders if _constructs_a_service(_tree(p))] == []


def test_the_store_rules_look_at_every_store() -> None:
    stores = {_name(p) for p in _store_modules()}
    assert len(stores) >= 15  # a rule over no stores would pass whatever they hold
    assert {"bot/checkins/store.py", "bot/outbox/store.py", "bot/digests/store/feeds.py"} <= stores


def test_stores_take_a_transaction_never_the_database() -> None:
    found = []
    for path in _store_modules():
        source = path.read_text(encoding="utf-8")
        if "bot.storage.database" in source or "Database" in source:
            found.append(_name(path))
    assert found == []


def test_store_writes_are_typed_and_stores_build_their_own_sql() -> None:
    found = []
    for path in _store_modules():
        for function in _functions(_tree(path)):
            if function.name.startswith("_"):
                continue
            if function.args.kwarg is not None:
                found.append(f"{_name(path)}: {function.name}(**{function.args.kwarg.arg})")
            if function.args.vararg is not None:
                found.append(f"{_name(path)}: {function.name}(*{function.args.vararg.arg})")
            for arg in [*function.args.args, *function.args.kwonlyargs]:
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if "ColumnElement" in annotation or "Select" in annotation:
                    found.append(f"{_name(path)}: {function.name}({arg.arg}: {annotation})")
    assert found == []


def test_dialect_differences_live_in_the_transaction() -> None:
    found = [
        _name(path)
        for path in sorted(BOT.rglob("*.py"))
        if "storage" not in path.relative_to(BOT).parts
        and (
            "sqlalchemy.dialects" in (text := path.read_text(encoding="utf-8"))
            or ".dialect ==" in text
            or "dialect.name" in text
        )
    ]
    assert found == []


def test_store_modules_hold_no_domain_types() -> None:
    found = [
        f"{_name(path)}: {node.name}"
        for path in _store_modules()
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef)
    ]
    assert found == []


# The identity tables every feature's rows hang from: a store may join them to scope its own
# rows to a community or to name a member (a check-in belongs to a member, a member to a
# community). Any other table is read through its owner's service.
SHARED_TABLES = {"members", "communities"}


def test_a_store_queries_its_own_tables_and_joins_only_the_identity_tables() -> None:
    import bot.storage.tables as tables

    owner = {t.name: f.name for f in FEATURES for t in f.tables}
    by_variable = {
        name: table.name
        for name, table in vars(tables).items()
        if isinstance(getattr(table, "name", None), str) and hasattr(table, "c")
    }
    found = []
    for path in sorted(BOT.glob("*/**/*.py")):
        package = path.relative_to(BOT).parts[0]
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.storage.tables":
                for alias in node.names:
                    table = by_variable.get(alias.name)
                    theirs = owner.get(table or "")
                    if theirs not in (None, package) and table not in SHARED_TABLES:
                        found.append(f"{_name(path)}: {table} (owned by {theirs})")
    assert found == []
