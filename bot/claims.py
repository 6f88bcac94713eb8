"""The scheduler's records in the database: the occurrences it claimed, and the sweeps it
decided (queries only; the rules are the scheduler's)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime

import sqlalchemy as sa

from bot.communities.model import Community
from bot.fire_times import local_key
from bot.storage.tables import occurrences, sweeps_decided
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)


async def newest(tx: Transaction) -> dict[tuple[int, str], datetime]:
    """The newest occurrence each (community id, job kind) has claimed, in one query for
    every community."""
    rows = await tx.execute(
        sa.select(
            occurrences.c.community_id,
            occurrences.c.kind,
            sa.func.max(occurrences.c.due_at).label("due_at"),
        ).group_by(occurrences.c.community_id, occurrences.c.kind)
    )
    return {(r.community_id, r.kind): r.due_at for r in rows}


async def claim(
    tx: Transaction, community: Community, kind: str, due: datetime, status: str, now: datetime
) -> bool:
    """Claim an occurrence (its status: ran, late or skipped); False when it already was."""
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            occurrences,
            {
                "community_id": community.id,
                "kind": kind,
                "local_key": local_key(due, community.timezone),
                "due_at": due,
                "status": status,
                "claimed_at": now,
            },
        )
    )
    claimed = bool(result.rowcount)
    if claimed and status == "skipped":
        log.info("skipped %s for community %s due %s", kind, community.id, due.isoformat())
    return claimed


async def decided(
    tx: Transaction, kind: str, community_ids: Collection[int]
) -> dict[int, datetime]:
    """The newest occurrence of a sweep each of these communities was decided for."""
    rows = await tx.execute(
        sa.select(sweeps_decided.c.community_id, sweeps_decided.c.due_at).where(
            sweeps_decided.c.kind == kind, sweeps_decided.c.community_id.in_(community_ids)
        )
    )
    return {r.community_id: r.due_at for r in rows}


async def mark_decided(tx: Transaction, kind: str, done: Sequence[tuple[int, datetime]]) -> None:
    """Record that a sweep was decided for these (community id, occurrence) pairs."""
    if not done:
        return
    insert = tx.insert(sweeps_decided)
    await tx.execute(
        insert.on_conflict_do_update(
            index_elements=["community_id", "kind"], set_={"due_at": insert.excluded.due_at}
        ),
        [{"community_id": c, "kind": kind, "due_at": due} for c, due in done],
    )
