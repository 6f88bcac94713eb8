"""Privacy by contract, held to every table: each column that can hold a member's identity or
words is in its owning feature's `personal` (erased and exported by its `MemberData`) or in its
`exempt` with a written reason, and every table has exactly one owner."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.feature import Feature
from bot.features import FEATURES, INFRASTRUCTURE
from bot.storage.tables import members, metadata

USER_ID_SUFFIXES = ("_by", "user_id", "user_ids")


def needs_a_decision(column: sa.Column[Any]) -> bool:
    """A column that can hold a member's identity or words: a reference to members.id, a
    platform user id, or any text."""
    if any(fk.column is members.c.id for fk in column.foreign_keys):
        return True
    if column.name.endswith(USER_ID_SUFFIXES):
        return True
    return isinstance(column.type, sa.String | sa.Text | sa.JSON)


def _undecided(feature: Feature[Any]) -> list[str]:
    personal = {id(c) for c in feature.personal}
    exempt = {id(e.column) for e in feature.exempt if e.reason.strip()}
    return [
        f"{table.name}.{column.name}"
        for table in feature.tables
        for column in table.columns
        if needs_a_decision(column) and id(column) not in personal | exempt
    ]


def test_every_column_that_can_hold_a_member_is_personal_or_exempt_with_a_reason() -> None:
    undecided = [name for feature in FEATURES for name in _undecided(feature)]
    assert undecided == [], (
        "add each to its feature's `personal` (and erase and export it) or to its `exempt` "
        "with the reason it needs no erasing"
    )


def test_features_declare_only_columns_of_their_own_tables() -> None:
    strays = [
        f"{feature.name}: {column.table}.{column.name}"  # type: ignore[attr-defined]
        for feature in FEATURES
        for column in (*feature.personal, *(e.column for e in feature.exempt))
        if column.table not in feature.tables
    ]
    assert strays == []


def test_a_feature_with_personal_columns_erases_and_exports_them() -> None:
    silent = [f.name for f in FEATURES if f.personal and f.member_data is None]
    assert silent == []


def test_every_table_has_exactly_one_owner() -> None:
    owners: dict[str, list[str]] = {}
    for feature in FEATURES:
        for table in feature.tables:
            owners.setdefault(table.name, []).append(feature.name)
    for table, reason in INFRASTRUCTURE.items():
        assert reason.strip(), f"{table.name} needs a reason to belong to no feature"
        owners.setdefault(table.name, []).append("infrastructure")
    assert {name: who for name, who in owners.items() if len(who) != 1} == {}
    assert sorted(set(metadata.tables) - set(owners)) == []


def test_the_coverage_check_sees_an_undeclared_text_column() -> None:
    table = sa.Table(
        "scratch",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("note", sa.String(100)),
        sa.Column("count", sa.Integer),
    )
    feature: Feature[None] = Feature("scratch", lambda shared, services: None, tables=(table,))
    assert _undecided(feature) == ["scratch.note"]
